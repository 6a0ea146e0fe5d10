using Npgsql;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations;
using Switchyard.Core.Operations.NormalizeColumn;
using Switchyard.Core.Planning;
using Switchyard.Core.Validation;
using Switchyard.Samples.Ledger.Schema;

namespace Switchyard.Samples.Ledger.Validation;

/// <summary>
/// A STAND-IN for the engine's Expand + backfill + Validate + Contract, for validation tests and the validation bench
/// only: brings a seeded legacy ledger into a migrated shape with plain statements (one full-table UPDATE, no
/// throttling, no lock discipline). Never use it on a live database; the engine does that work safely.
/// </summary>
public static class MigratedLedgerShape
{
    public const string TriggerName = "transactions_state_standin";
    public const string CompatView = "transactions_compat";

    /// <summary>The (target id, legacy column) index the Validated shape builds, as the flagship spec does.</summary>
    public static string PairIndexName(NormalizationTarget t) => $"{t.Table.Name}_{t.TargetColumn}_{t.SourceColumn}_idx";

    /// <summary>Applies the steps up to <paramref name="shape"/> to a freshly seeded legacy ledger.</summary>
    public static async Task ApplyAsync(NpgsqlDataSource dataSource, MigrationShape shape, CancellationToken ct, NormalizationTarget? target = null)
    {
        var t = target ?? LedgerFlagship.Target();
        var table = t.Table.Sql;
        var lookup = t.LookupTable.Sql;
        var (id, code, source, state) = (Ident.Quote(t.LookupIdColumn), Ident.Quote(t.LookupCodeColumn), Ident.Quote(t.SourceColumn), Ident.Quote(t.TargetColumn));
        var seed = $"INSERT INTO {lookup} ({id}, {code}) SELECT u.n, u.c FROM unnest($1::text[]) WITH ORDINALITY AS u(c, n)";
        var fill = NormalizationSql.FillAliases(t);
        // The codes and aliases are bound as parameters, as Expand binds them.
        var bound = new Dictionary<string, object?[]> { [seed] = [t.Codes.ToArray()], [fill.Sql] = [.. fill.Parameters!] };
        var steps = new List<string>
        {
            // Leftovers of an earlier stand-in run on a reseeded ledger (reseeding drops only the ledger's own tables).
            $"DROP TABLE IF EXISTS {lookup} CASCADE",
            $"DROP FUNCTION IF EXISTS {Ident.Quote(TriggerName)}() CASCADE",
            // Expand
            $"CREATE TABLE {lookup} ({id} smallint PRIMARY KEY, {code} text NOT NULL UNIQUE)",
            seed,
            $"DROP TABLE IF EXISTS {t.AliasTable.Sql}",
            NormalizationSql.CreateAliasTable(t),
            fill.Sql,
            $"ALTER TABLE {table} ADD COLUMN {state} smallint",
            $"""
            CREATE FUNCTION {Ident.Quote(TriggerName)}() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
                IF NEW.{state} IS NULL OR (TG_OP = 'UPDATE' AND NEW.{source} IS DISTINCT FROM OLD.{source}) THEN
                    NEW.{state} := (SELECT l.{id} FROM {lookup} l WHERE l.{code} = {t.CodeSql("NEW." + source)});
                END IF;
                RETURN NEW;
            END $fn$
            """,
            $"CREATE TRIGGER {Ident.Quote(TriggerName)} BEFORE INSERT OR UPDATE OF {source} ON {table} FOR EACH ROW EXECUTE FUNCTION {Ident.Quote(TriggerName)}()",
            $"ALTER TABLE {table} ADD CONSTRAINT {Ident.Quote(t.Table.Name + "_" + t.TargetColumn + "_fkey")} FOREIGN KEY ({state}) REFERENCES {lookup} ({id}) NOT VALID",
        };
        if (shape >= MigrationShape.Backfilled)
        {
            steps.Add($"UPDATE {table} x SET {state} = l.{id} FROM {lookup} l WHERE l.{code} = {t.CodeSql("x." + source)}");
            steps.Add($"VACUUM ANALYZE {table}");
        }
        if (shape >= MigrationShape.Validated)
        {
            steps.Add($"ALTER TABLE {table} VALIDATE CONSTRAINT {Ident.Quote(t.Table.Name + "_" + t.TargetColumn + "_fkey")}");
            steps.Add($"CREATE INDEX {Ident.Quote(t.Table.Name + "_" + t.TargetColumn + "_idx")} ON {table} ({state})");
            // The flagship's pair index: the mismatch check reads its distinct pairs; it goes with the legacy column at Contract.
            steps.Add($"CREATE INDEX {Ident.Quote(PairIndexName(t))} ON {table} ({state}, {source})");
            steps.Add($"ALTER TABLE {table} ALTER COLUMN {state} SET NOT NULL");
        }
        if (shape >= MigrationShape.Contracted)
        {
            steps.Add($"DROP TRIGGER {Ident.Quote(TriggerName)} ON {table}");
            steps.Add($"DROP INDEX IF EXISTS transactions_open_status_idx");
            steps.Add($"ALTER TABLE {table} DROP COLUMN {source}");
            steps.Add($"""
                CREATE VIEW {Ident.Quote(t.Table.Schema)}.{Ident.Quote(CompatView)} AS
                SELECT x.*, l.{code} AS {source} FROM {table} x JOIN {lookup} l ON l.{id} = x.{state}
                """);
        }
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        foreach (var sql in steps)
        {
            await using var cmd = SafeSqlRunner.Command(sql, connection, null, bound.GetValueOrDefault(sql) ?? []);
            cmd.CommandTimeout = 0;
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }
}
