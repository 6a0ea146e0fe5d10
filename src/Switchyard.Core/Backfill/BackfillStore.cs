using System.Text.Json;
using Npgsql;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations;

namespace Switchyard.Core.Backfill;

/// <summary>The backfill's rows in the journal: the run, its ranges (cursors), state changes and events.</summary>
internal sealed class BackfillStore
{
    private readonly SafeSqlRunner _sql;

    public BackfillStore(SafeSqlRunner sql) => _sql = sql;

    /// <summary>
    /// Forgets a migration's run and range cursors (the batch log stays as history), so the next run starts over: used
    /// when a rollback removed the column the backfill filled, since a "completed" run would otherwise be skipped.
    /// </summary>
    public Task<int> ForgetRunAsync(string migration, CancellationToken ct) =>
        _sql.ScalarAsync<int>("""
            WITH gone AS (DELETE FROM switchyard.backfill_runs WHERE migration = $1 RETURNING 1)
            SELECT count(*)::int FROM gone
            """, ct, migration);

    /// <summary>
    /// Creates the run and its ranges on first start, bounded by the largest key present now (rows inserted later are
    /// the trigger's); on a later start bumps the run number and keeps the ranges and their cursors exactly as committed.
    /// </summary>
    public Task<BackfillPlan> StartAsync(string migration, IBackfillTarget target, int workers, CancellationToken ct) =>
        _sql.InTransactionAsync(async (c, tx, token) =>
        {
            await using (var existing = SafeSqlRunner.Command(
                "SELECT run_no, min_key, max_key, rows_estimated, state FROM switchyard.backfill_runs WHERE migration = $1 FOR UPDATE", c, tx, migration))
            await using (var r = await existing.ExecuteReaderAsync(token).ConfigureAwait(false))
            {
                if (await r.ReadAsync(token).ConfigureAwait(false))
                {
                    var (runNo, min, max, rowsEstimated, state) = (r.GetInt32(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetString(4));
                    await r.CloseAsync().ConfigureAwait(false);
                    if (state == "completed")
                        return new BackfillPlan(runNo, min, max, rowsEstimated, true, true, await RangesAsync(c, tx, migration, token).ConfigureAwait(false));
                    await using (var bump = SafeSqlRunner.Command("""
                        UPDATE switchyard.backfill_runs u
                        SET run_no = u.run_no + 1, state = 'running', reason = NULL, resumed_at = clock_timestamp(), updated_at = clock_timestamp(),
                            rows_at_resume = coalesce((SELECT sum(rows_updated) FROM switchyard.backfill_ranges g WHERE g.migration = u.migration), 0),
                            keys_at_resume = coalesce((SELECT sum(next_key - from_key) FROM switchyard.backfill_ranges g WHERE g.migration = u.migration), 0)
                        WHERE u.migration = $1
                        """, c, tx, migration))
                        await bump.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                    return new BackfillPlan(runNo + 1, min, max, rowsEstimated, true, false, await RangesAsync(c, tx, migration, token).ConfigureAwait(false));
                }
            }

            var key = Ident.Quote(target.KeyColumn);
            long minKey = 1, maxKey = 0;
            await using (var bounds = new NpgsqlCommand($"SELECT min({key})::bigint, max({key})::bigint FROM {target.Table.Sql}", c, tx))
            await using (var r = await bounds.ExecuteReaderAsync(token).ConfigureAwait(false))
            {
                if (await r.ReadAsync(token).ConfigureAwait(false) && !r.IsDBNull(0))
                    (minKey, maxKey) = (r.GetInt64(0), r.GetInt64(1));
            }
            long estimated;
            await using (var est = SafeSqlRunner.Command("SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = $1::regclass", c, tx, target.Table.RegclassText))
                estimated = (long)(await est.ExecuteScalarAsync(token).ConfigureAwait(false) ?? 0L);
            if (estimated <= 0) estimated = Math.Max(0, maxKey - minKey + 1);

            await using (var insert = SafeSqlRunner.Command("""
                INSERT INTO switchyard.backfill_runs (migration, table_name, min_key, max_key, rows_estimated, workers)
                VALUES ($1, $2, $3, $4, $5, $6)
                """, c, tx, migration, target.Table.ToString(), minKey, maxKey, estimated, workers))
                await insert.ExecuteNonQueryAsync(token).ConfigureAwait(false);

            // A partitioned table: one range per leaf partition with rows, each its own cursor over that partition's
            // keys (the partitions run in parallel, at most `workers` at once). Otherwise equal slices of the keys.
            var leaves = await LeafKeyRangesAsync(c, tx, target.Table, key, token).ConfigureAwait(false);
            IEnumerable<(long From, long To, int No, QualifiedName? Partition)> ranges = leaves is null
                ? Split(minKey, maxKey + 1, workers).Select(r => (r.From, r.To, r.No, (QualifiedName?)null))
                : leaves.Select((l, i) => (l.Min, l.Max + 1, i, (QualifiedName?)l.Partition));
            foreach (var (from, to, no, partition) in ranges)
            {
                await using var range = SafeSqlRunner.Command("""
                    INSERT INTO switchyard.backfill_ranges (migration, range_no, from_key, to_key, next_key, partition_schema, partition_name)
                    VALUES ($1, $2, $3, $4, $3, $5::text, $6::text)
                    """, c, tx, migration, no, from, to, partition?.Schema, partition?.Name);
                await range.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            }
            return new BackfillPlan(1, minKey, maxKey, estimated, false, false, await RangesAsync(c, tx, migration, token).ConfigureAwait(false));
        }, ct, description: "start backfill run");

    /// <summary>The key bounds of each leaf partition holding rows, or null when the table is not partitioned.</summary>
    private static async Task<IReadOnlyList<(QualifiedName Partition, long Min, long Max)>?> LeafKeyRangesAsync(
        NpgsqlConnection c, NpgsqlTransaction tx, QualifiedName table, string key, CancellationToken ct)
    {
        var leaves = new List<QualifiedName>();
        await using (var cmd = SafeSqlRunner.Command("""
            SELECT n.nspname, r.relname
            FROM pg_partition_tree($1::regclass) p JOIN pg_class r ON r.oid = p.relid JOIN pg_namespace n ON n.oid = r.relnamespace
            WHERE p.isleaf AND (SELECT relkind FROM pg_class WHERE oid = $1::regclass) = 'p'
            ORDER BY r.relname
            """, c, tx, table.RegclassText))
        await using (var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await r.ReadAsync(ct).ConfigureAwait(false)) leaves.Add(new QualifiedName(r.GetString(0), r.GetString(1)));
        }
        if (leaves.Count == 0) return null;
        var bounds = new List<(QualifiedName, long, long)>();
        foreach (var leaf in leaves)
        {
            await using var cmd = new NpgsqlCommand($"SELECT min({key})::bigint, max({key})::bigint FROM {leaf.Sql}", c, tx);
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            if (await r.ReadAsync(ct).ConfigureAwait(false) && !r.IsDBNull(0)) bounds.Add((leaf, r.GetInt64(0), r.GetInt64(1)));
        }
        return bounds;
    }

    /// <summary>Equal, contiguous, disjoint key ranges covering [from, to).</summary>
    public static IEnumerable<(long From, long To, int No)> Split(long from, long to, int parts)
    {
        var total = to - from;
        if (total <= 0) yield break;
        parts = (int)Math.Min(parts, total);
        var width = (total + parts - 1) / parts;
        for (var i = 0; i < parts; i++)
        {
            var lo = from + i * width;
            if (lo >= to) yield break;
            yield return (lo, Math.Min(to, lo + width), i);
        }
    }

    private static async Task<IReadOnlyList<BackfillRange>> RangesAsync(NpgsqlConnection c, NpgsqlTransaction tx, string migration, CancellationToken ct)
    {
        await using var cmd = SafeSqlRunner.Command(
            "SELECT range_no, from_key, to_key, next_key, done, rows_updated, batches, partition_schema, partition_name FROM switchyard.backfill_ranges WHERE migration = $1 ORDER BY range_no", c, tx, migration);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var ranges = new List<BackfillRange>();
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            ranges.Add(new BackfillRange(r.GetInt32(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetBoolean(4), r.GetInt64(5), r.GetInt64(6))
            {
                Partition = r.IsDBNull(8) ? null : new QualifiedName(r.GetString(7), r.GetString(8)),
            });
        }
        return ranges;
    }

    public Task SetRunStateAsync(string migration, string state, string? reason, CancellationToken ct) =>
        _sql.ExecuteAsync("""
            UPDATE switchyard.backfill_runs SET state = $2, reason = $3, updated_at = clock_timestamp(),
                finished_at = CASE WHEN $2 = 'completed' THEN clock_timestamp() ELSE finished_at END
            WHERE migration = $1
            """, ct, migration, state, reason);

    public Task SetRangeStateAsync(string migration, int range, string state, CancellationToken ct) =>
        _sql.ExecuteAsync("UPDATE switchyard.backfill_ranges SET state = $3, updated_at = clock_timestamp() WHERE migration = $1 AND range_no = $2 AND NOT done",
            ct, migration, range, state);

    /// <summary>Appends to the journal's event log, linked to the migration when the engine has registered it.</summary>
    public Task AppendEventAsync(string migration, string kind, string message, object? data, CancellationToken ct) =>
        _sql.ExecuteAsync("""
            INSERT INTO switchyard.events (migration_id, os_user, kind, message, data)
            VALUES ((SELECT id FROM switchyard.migrations WHERE name = $1), $2, $3, $4, $5::jsonb)
            """, ct, migration, Environment.UserName, kind, message, data is null ? null : JsonSerializer.Serialize(data, JsonOptions));

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
