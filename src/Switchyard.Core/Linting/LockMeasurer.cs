using Npgsql;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Linting;

/// <summary>
/// Runs each statement on the schema clone inside a transaction, reads from <c>pg_locks</c> (our own backend only) which
/// locks it took on which pre-existing relations and from <c>pg_class.relfilenode</c> whether it rewrote a table, rolls
/// back, then applies the statement for real so later statements see its effect (the clone is scratch).
/// </summary>
public static class LockMeasurer
{
    private const string RelationsSql = """
        SELECT c.oid::bigint, n.nspname, c.relname, c.relkind::text, c.relfilenode::bigint
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%'
        """;

    private const string OwnLocksSql = """
        SELECT relation::bigint, mode FROM pg_locks
        WHERE pid = pg_backend_pid() AND locktype = 'relation' AND granted
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
        """;

    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan StatementTimeout = TimeSpan.FromMinutes(1);

    private sealed record Relation(string Name, char Kind, long FileNode);

    public static async Task<IReadOnlyList<StatementMeasurement>> MeasureAsync(NpgsqlDataSource clone, IReadOnlyList<SqlStatement> statements, CancellationToken ct)
    {
        // One session for the whole file, so session settings such as search_path carry over as they would in psql.
        await using var connection = await clone.OpenConnectionAsync(ct).ConfigureAwait(false);
        var results = new List<StatementMeasurement>(statements.Count);
        foreach (var statement in statements)
            results.Add(await MeasureOneAsync(connection, statement, ct).ConfigureAwait(false));
        return results;
    }

    private static async Task<StatementMeasurement> MeasureOneAsync(NpgsqlConnection connection, SqlStatement statement, CancellationToken ct)
    {
        if (statement.IsTransactionControl)
            return Skipped("transaction control: each statement is measured in its own transaction");
        if (statement.StartsWith("set") || statement.StartsWith("reset"))
        {
            await RunAsync(connection, null, statement.Text, ct).ConfigureAwait(false);
            return Skipped("session setting");
        }
        if (NotTransactional(statement) is { } documented)
        {
            var applied = await TryApplyOutsideTransactionAsync(connection, statement, ct).ConfigureAwait(false);
            return new StatementMeasurement(MeasurementStatus.NotPossibleInTransaction, documented, [], [],
                $"cannot run inside a transaction, so not measured: documented lock {LockModes.SqlName(documented)}" + (applied is null ? "" : $"; on the clone it failed: {applied}"));
        }

        StatementMeasurement measured;
        await using (var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false))
        {
            await SafeSqlRunner.SetLocalTimeoutsAsync(connection, tx, LockTimeout, StatementTimeout, ct).ConfigureAwait(false);
            var before = await RelationsAsync(connection, tx, ct).ConfigureAwait(false);
            try
            {
                await RunAsync(connection, tx, statement.Text, ct).ConfigureAwait(false);
            }
            catch (PostgresException e)
            {
                await tx.RollbackAsync(ct).ConfigureAwait(false);
                return new StatementMeasurement(MeasurementStatus.Failed, LockMode.None, [], [], $"failed on the schema clone: {e.SqlState} {e.MessageText}");
            }
            var locks = await OwnLocksAsync(connection, tx, before, ct).ConfigureAwait(false);
            var after = await RelationsAsync(connection, tx, ct).ConfigureAwait(false);
            var rewritten = before
                .Where(b => b.Value.Kind is 'r' or 'm' && after.TryGetValue(b.Key, out var a) && a.FileNode != b.Value.FileNode)
                .Select(b => b.Value.Name).Order(StringComparer.Ordinal).ToList();
            await tx.RollbackAsync(ct).ConfigureAwait(false);
            var strongest = locks.Where(l => l.Kind is "table" or "partitioned table" or "materialized view")
                .Select(l => l.Mode).DefaultIfEmpty(LockMode.None).Max();
            measured = new StatementMeasurement(MeasurementStatus.Measured, strongest, locks, rewritten, null);
        }

        // Apply for real so that later statements (VALIDATE after ADD ... NOT VALID) find what they need.
        await using (var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false))
        {
            try
            {
                await SafeSqlRunner.SetLocalTimeoutsAsync(connection, tx, LockTimeout, StatementTimeout, ct).ConfigureAwait(false);
                await RunAsync(connection, tx, statement.Text, ct).ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
            }
            catch (PostgresException e)
            {
                await tx.RollbackAsync(ct).ConfigureAwait(false);
                return measured with { Note = $"measured, but applying it to the clone then failed ({e.SqlState} {e.MessageText}): later statements may not see its effect" };
            }
        }
        return measured;
    }

    /// <summary>The documented table lock of a statement PostgreSQL refuses to run in a transaction block, or null.</summary>
    internal static LockMode? NotTransactional(SqlStatement statement)
    {
        var t = new TokenSpan(statement.Tokens);
        if (statement.StartsWith("vacuum")) return t.Is(1, "full") || (t.Count > 2 && t[1].IsSymbol("(") && t.Contains("full")) ? LockMode.AccessExclusive : LockMode.ShareUpdateExclusive;
        var concurrently = t.Contains("concurrently");
        if (!concurrently) return null;
        if (statement.StartsWith("create") || statement.StartsWith("drop", "index") || statement.StartsWith("reindex") ||
            (statement.StartsWith("alter", "table") && t.Contains("detach", "partition")))
            return LockMode.ShareUpdateExclusive;
        return null;
    }

    private static async Task<string?> TryApplyOutsideTransactionAsync(NpgsqlConnection connection, SqlStatement statement, CancellationToken ct)
    {
        try
        {
            await RunAsync(connection, null, "SET lock_timeout = '5s'; SET statement_timeout = '60s'", ct).ConfigureAwait(false);
            await RunAsync(connection, null, statement.Text, ct).ConfigureAwait(false);
            return null;
        }
        catch (PostgresException e)
        {
            return $"{e.SqlState} {e.MessageText}";
        }
        finally
        {
            await RunAsync(connection, null, "RESET lock_timeout; RESET statement_timeout", ct).ConfigureAwait(false);
        }
    }

    private static async Task RunAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, tx);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static async Task<Dictionary<long, Relation>> RelationsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        var map = new Dictionary<long, Relation>();
        await using var cmd = new NpgsqlCommand(RelationsSql, connection, tx);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
            map[reader.GetInt64(0)] = new Relation($"{reader.GetString(1)}.{reader.GetString(2)}", reader.GetString(3)[0], reader.GetInt64(4));
        return map;
    }

    private static async Task<IReadOnlyList<MeasuredLock>> OwnLocksAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Dictionary<long, Relation> before, CancellationToken ct)
    {
        var strongest = new Dictionary<long, LockMode>();
        await using (var cmd = new NpgsqlCommand(OwnLocksSql, connection, tx))
        await using (var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var oid = reader.GetInt64(0);
                var mode = LockModes.FromPgName(reader.GetString(1));
                // Relations created by the statement itself are new and unused: their locks block nobody.
                if (!before.ContainsKey(oid)) continue;
                strongest[oid] = strongest.TryGetValue(oid, out var m) && m > mode ? m : mode;
            }
        }
        return [.. strongest
            .Select(kv => new MeasuredLock(before[kv.Key].Name, KindName(before[kv.Key].Kind), kv.Value))
            .OrderByDescending(l => l.Mode).ThenBy(l => l.Relation, StringComparer.Ordinal)];
    }

    private static string KindName(char kind) => kind switch
    {
        'r' => "table",
        'p' => "partitioned table",
        'i' or 'I' => "index",
        'v' => "view",
        'm' => "materialized view",
        'S' => "sequence",
        'f' => "foreign table",
        _ => "relation",
    };

    private static StatementMeasurement Skipped(string why) => new(MeasurementStatus.Skipped, LockMode.None, [], [], why);
}
