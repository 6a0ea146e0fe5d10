using System.Diagnostics;
using Npgsql;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Validation.Checks;

/// <summary>
/// catalog: the schema objects the phase should have left, read from the catalog. Each expectation applies from (or
/// until) a phase; the others are reported as not applicable, never as failures.
/// </summary>
public sealed class CatalogCheck : IValidationCheck
{
    public string Name => "catalog";

    public string Description => "Lookup seeded, column, FK (validated), valid index, NOT NULL, trigger enabled, compat view columns — as the phase requires.";

    public async Task<CheckResult> RunAsync(ValidationScope scope, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        if (!scope.Facts.TableExists) return CheckResult.NotApplicable(Name, $"table {scope.Target.Table} does not exist", watch.Elapsed);
        var shape = scope.Options.Shape;
        var fk = await ForeignKey.ReadAsync(scope, ct).ConfigureAwait(false);
        var snapshot = await scope.Sql.InTransactionAsync((c, tx, token) => ReadAsync(c, tx, scope, token), ct, description: "read the catalog of " + scope.Target.Table).ConfigureAwait(false);
        var t = scope.Target;
        var expected = scope.Options.Catalog;
        CatalogItem? Created(string name, bool byThisMigration, string operation) =>
            byThisMigration ? null : CatalogItem.NotApplicable(name, $"the spec has no {operation} on {t.TargetColumn}");

        var items = new List<CatalogItem>
        {
            Expect("lookup_table", true, scope.Facts.HasLookup, $"{t.LookupTable} exists"),
            Expect("lookup_codes", true, scope.Facts.HasLookup && snapshot.MissingCodes.Count == 0,
                snapshot.MissingCodes.Count == 0 ? "every code seeded" : "missing codes: " + string.Join(", ", snapshot.MissingCodes)),
            Expect("target_column", true, scope.Facts.HasTargetColumn, $"{t.Table}.{t.TargetColumn} exists"),
            Created("foreign_key", expected.ForeignKey, "add_foreign_key") ?? Expect("foreign_key", true, fk.Exists, fk.Describe()),
            Created("foreign_key_validated", expected.ForeignKey, "add_foreign_key") ?? Expect("foreign_key_validated", shape >= MigrationShape.Validated, fk.Validated, fk.Describe()),
            Created("target_index_valid", expected.Index, "create_index") ?? Expect("target_index_valid", shape >= MigrationShape.Validated, snapshot.ValidIndex is not null,
                snapshot.ValidIndex is { } ix ? $"index {ix} valid and ready" : snapshot.InvalidIndex is { } bad ? $"index {bad} is INVALID (a failed CONCURRENTLY build): drop it and rebuild" : $"no index leading with {t.TargetColumn}"),
            Created("target_not_null", expected.NotNull, "set_not_null") ?? Expect("target_not_null", shape >= MigrationShape.Validated, snapshot.TargetNotNull, snapshot.TargetNotNull ? $"{t.TargetColumn} is NOT NULL" : $"{t.TargetColumn} is nullable"),
            shape < MigrationShape.Contracted
                ? Expect("dual_write_trigger", true, snapshot.EnabledTriggers.Count > 0,
                    snapshot.EnabledTriggers.Count > 0 ? "enabled: " + string.Join(", ", snapshot.EnabledTriggers) : "no enabled trigger" + (scope.Settings.TriggerName is { } n ? $" named {n}" : "") + $" on {t.Table}")
                : scope.Settings.TriggerName is null
                    ? CatalogItem.NotApplicable("dual_write_trigger", "after Contract; trigger name unknown, so its absence cannot be asserted")
                    : Expect("dual_write_trigger", true, snapshot.AnyTrigger.Count == 0, snapshot.AnyTrigger.Count == 0 ? "dropped" : "still present: " + string.Join(", ", snapshot.AnyTrigger)),
            Expect("source_column", true, shape < MigrationShape.Contracted ? scope.Facts.HasSourceColumn : !scope.Facts.HasSourceColumn,
                shape < MigrationShape.Contracted
                    ? (scope.Facts.HasSourceColumn ? $"{t.SourceColumn} present for app v1" : $"{t.SourceColumn} dropped before Contract")
                    : (scope.Facts.HasSourceColumn ? $"{t.SourceColumn} still present after Contract" : $"{t.SourceColumn} dropped")),
            scope.Facts.CompatView is null && shape < MigrationShape.Contracted
                ? CatalogItem.NotApplicable("compat_view_columns", "no compat view before Contract")
                : scope.Facts.CompatView is null && !expected.CompatView
                ? CatalogItem.NotApplicable("compat_view_columns", "the migration keeps no compat view")
                : Expect("compat_view_columns", true, scope.Facts.CompatView is not null && snapshot.ViewProblems.Count == 0,
                    scope.Facts.CompatView is null ? $"no view exposes {t.SourceColumn}" : snapshot.ViewProblems.Count == 0 ? $"{scope.Facts.CompatView} exposes every legacy column" : $"{scope.Facts.CompatView}: " + string.Join("; ", snapshot.ViewProblems)),
        };

        var applicable = items.Where(i => i.Applies).ToList();
        var failed = applicable.Where(i => !i.Ok).ToList();
        var detail = $"shape {shape}: {applicable.Count - failed.Count} of {applicable.Count} expectations met, {items.Count - applicable.Count} not applicable"
            + (failed.Count > 0 ? "; failing: " + string.Join("; ", failed.Select(f => $"{f.Name} ({f.Actual})")) : "");
        var findings = items.Select(i => new CheckFinding(i.Name, 1, i.Applies && !i.Ok ? 1 : 0, (i.Applies ? (i.Ok ? "ok: " : "FAILED: ") : "n/a: ") + i.Actual)).ToList();
        return CheckResult.Of(Name, applicable.Count, failed.Count, scope.Options.ThresholdFor(Name), [.. failed.Select(f => f.Name)], watch.Elapsed, detail)
            with { Findings = findings };
    }

    private static CatalogItem Expect(string name, bool applies, bool ok, string actual) =>
        applies ? new CatalogItem(name, true, ok, actual) : CatalogItem.NotApplicable(name, "not expected yet: " + actual);

    private sealed record CatalogItem(string Name, bool Applies, bool Ok, string Actual)
    {
        public static CatalogItem NotApplicable(string name, string why) => new(name, false, true, why);
    }

    private sealed record Snapshot(IReadOnlyList<string> MissingCodes, string? ValidIndex, string? InvalidIndex, bool TargetNotNull,
        IReadOnlyList<string> EnabledTriggers, IReadOnlyList<string> AnyTrigger, IReadOnlyList<string> ViewProblems);

    private static async Task<Snapshot> ReadAsync(NpgsqlConnection c, NpgsqlTransaction tx, ValidationScope scope, CancellationToken ct)
    {
        var t = scope.Target;
        var table = t.Table.RegclassText;
        IReadOnlyList<string> missingCodes = [];
        if (scope.Facts.HasLookup)
        {
            var present = await ValidationScope.ReadAllAsync(c, tx, $"SELECT {scope.LookupCode}::text FROM {scope.Lookup}", r => r.GetString(0), ct).ConfigureAwait(false);
            missingCodes = [.. t.Codes.Except(present, StringComparer.Ordinal)];
        }
        var indexes = await ValidationScope.ReadAllAsync(c, tx, """
            SELECT i.indexrelid::regclass::text, i.indisvalid AND i.indisready
            FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attname = $2
            WHERE i.indrelid = to_regclass($1) AND i.indkey[0] = a.attnum
            ORDER BY 2 DESC, 1
            """, r => (Name: r.GetString(0), Valid: r.GetBoolean(1)), ct, table, t.TargetColumn).ConfigureAwait(false);
        var notNull = await ValidationScope.ReadAllAsync(c, tx, "SELECT attnotnull FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = $2 AND NOT attisdropped",
            r => r.GetBoolean(0), ct, table, t.TargetColumn).ConfigureAwait(false);
        var triggers = await ValidationScope.ReadAllAsync(c, tx, """
            SELECT tgname, tgenabled <> 'D' FROM pg_trigger
            WHERE tgrelid = to_regclass($1) AND NOT tgisinternal AND ($2::text IS NULL OR tgname = $2)
            ORDER BY 1
            """, r => (Name: r.GetString(0), Enabled: r.GetBoolean(1)), ct, table, scope.Settings.TriggerName).ConfigureAwait(false);
        var viewProblems = new List<string>();
        if (scope.Facts.CompatView is { } view)
        {
            const string columns = "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped";
            var viewColumns = (await ValidationScope.ReadAllAsync(c, tx, columns, r => (r.GetString(0), r.GetString(1)), ct, view.RegclassText).ConfigureAwait(false)).ToDictionary(x => x.Item1, x => x.Item2);
            var tableColumns = await ValidationScope.ReadAllAsync(c, tx, columns, r => (Name: r.GetString(0), Type: r.GetString(1)), ct, table).ConfigureAwait(false);
            // Old readers need every column the table had, with its type, plus the legacy column as text.
            foreach (var col in tableColumns.Where(x => x.Name != t.TargetColumn))
            {
                if (!viewColumns.TryGetValue(col.Name, out var type)) viewProblems.Add($"missing column {col.Name}");
                else if (type != col.Type) viewProblems.Add($"{col.Name} is {type}, table has {col.Type}");
            }
            if (!viewColumns.TryGetValue(t.SourceColumn, out var sourceType)) viewProblems.Add($"missing column {t.SourceColumn}");
            else if (sourceType != "text" && !sourceType.StartsWith("character varying", StringComparison.Ordinal)) viewProblems.Add($"{t.SourceColumn} is {sourceType}, expected text");
        }
        return new Snapshot(missingCodes, indexes.FirstOrDefault(i => i.Valid).Name, indexes.FirstOrDefault(i => !i.Valid).Name,
            notNull.Count > 0 && notNull[0], [.. triggers.Where(x => x.Enabled).Select(x => x.Name)], [.. triggers.Select(x => x.Name)], viewProblems);
    }
}
