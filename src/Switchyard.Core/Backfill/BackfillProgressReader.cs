using Switchyard.Core.Execution;

namespace Switchyard.Core.Backfill;

/// <summary>
/// Reads a backfill's progress back from the journal, so any terminal (and <c>status --json</c>) can show it: the
/// normalization's run (keyed by the migration's name), else the most recently active of its operation units' runs
/// (keyed <c>migration#step</c>).
/// </summary>
public static class BackfillProgressReader
{
    public static async Task<BackfillProgress?> ReadAsync(SafeSqlRunner sql, string migration, CancellationToken ct)
    {
        var exists = await sql.ScalarAsync<bool>("SELECT to_regclass('switchyard.backfill_runs') IS NOT NULL", ct).ConfigureAwait(false);
        if (!exists) return null;
        var runs = await sql.QueryAsync("""
            SELECT state, reason, rows_estimated, rows_at_resume, keys_at_resume,
                   extract(epoch FROM (coalesce(finished_at, clock_timestamp()) - resumed_at))::float8, migration
            FROM switchyard.backfill_runs WHERE migration = $1 OR starts_with(migration, $1 || '#')
            ORDER BY migration = $1 DESC, updated_at DESC
            LIMIT 1
            """, r => (State: r.GetString(0), Reason: r.IsDBNull(1) ? null : r.GetString(1), Estimated: r.GetInt64(2), RowsAtResume: r.GetInt64(3), KeysAtResume: r.GetInt64(4), Seconds: r.GetDouble(5), Key: r.GetString(6)),
            ct, migration).ConfigureAwait(false);
        if (runs.Count == 0) return null;
        var run = runs[0];
        var workers = await sql.QueryAsync("""
            SELECT range_no, from_key, to_key, next_key, done, rows_updated, batches, batch_keys, state,
                   CASE WHEN partition_name IS NOT NULL THEN partition_schema || '.' || partition_name END
            FROM switchyard.backfill_ranges WHERE migration = $1 ORDER BY range_no
            """, r => new WorkerProgress(r.GetInt32(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetBoolean(4), r.GetInt64(5), r.GetInt64(6), r.GetInt64(7), r.GetString(8))
            {
                Partition = r.IsDBNull(9) ? null : r.GetString(9),
            },
            ct, run.Key).ConfigureAwait(false);
        var rows = workers.Sum(w => w.RowsUpdated);
        var keysDone = workers.Sum(w => w.KeysDone);
        var keysTotal = workers.Sum(w => w.ToKey - w.FromKey);
        var rate = run.Seconds > 0 ? (rows - run.RowsAtResume) / run.Seconds : 0;
        var keyRate = run.Seconds > 0 ? (keysDone - run.KeysAtResume) / run.Seconds : 0;
        TimeSpan? eta = run.State == "completed" ? TimeSpan.Zero : keyRate > 0 ? TimeSpan.FromSeconds((keysTotal - keysDone) / keyRate) : null;
        return new BackfillProgress(migration, run.State, run.Reason, rows, run.Estimated, keysDone, keysTotal, rate, eta, workers)
        {
            Step = run.Key.Length > migration.Length + 1 && run.Key[migration.Length] == '#' ? run.Key[(migration.Length + 1)..] : null,
        };
    }
}
