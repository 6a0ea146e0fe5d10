using System.Globalization;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Runbook;

/// <summary>
/// Finds the backfill rate measured for a table: its last completed backfill in Switchyard's backfill store, else its
/// last recorded <c>bench backfill</c>, else the documented default.
/// </summary>
public static class BackfillRateReader
{
    /// <summary>
    /// The last completed run's rows and time since its last start or resume (earlier paused stretches left out), so
    /// the rate is what the backfill sustained while it ran, throttles included.
    /// </summary>
    private const string LastBackfillSql = """
        SELECT r.migration,
               (SELECT coalesce(sum(g.rows_updated), 0) FROM switchyard.backfill_ranges g WHERE g.migration = r.migration)::bigint - r.rows_at_resume,
               extract(epoch FROM r.finished_at - r.resumed_at)::float8,
               r.finished_at
        FROM switchyard.backfill_runs r
        WHERE r.table_name = $1 AND r.state = 'completed' AND r.finished_at IS NOT NULL
        ORDER BY r.finished_at DESC
        LIMIT 1
        """;

    private const string LastBenchSql = """
        SELECT rows, switchyard_seconds, at, load_tps, baseline_p99_ms, during_p99_ms
        FROM switchyard.backfill_bench_runs
        WHERE table_name = $1
        ORDER BY at DESC
        LIMIT 1
        """;

    public static async Task<BackfillRateSource> ReadAsync(SafeSqlRunner sql, QualifiedName table, CancellationToken ct)
    {
        var name = table.ToString();
        if (await ExistsAsync(sql, "switchyard.backfill_runs", ct).ConfigureAwait(false))
        {
            var runs = await sql.QueryAsync(LastBackfillSql, r => (Migration: r.GetString(0), Rows: r.GetInt64(1), Seconds: r.GetDouble(2), At: r.GetFieldValue<DateTimeOffset>(3)), ct, name).ConfigureAwait(false);
            if (runs is [var run] && run.Rows > 0 && run.Seconds > 0)
                return new BackfillRateSource(run.Rows / run.Seconds, BackfillRateOrigin.LastBackfill, Invariant(
                    $"measured: the last completed backfill of {name} (migration {run.Migration}, {run.Rows:N0} rows in {run.Seconds:N1} s, finished {run.At.UtcDateTime:yyyy-MM-dd HH:mm} UTC)"));
        }
        if (await ExistsAsync(sql, "switchyard.backfill_bench_runs", ct).ConfigureAwait(false))
        {
            var benches = await sql.QueryAsync(LastBenchSql, r => (Rows: r.GetInt64(0), Seconds: r.GetDouble(1), At: r.GetFieldValue<DateTimeOffset>(2),
                Tps: r.IsDBNull(3) ? (double?)null : r.GetDouble(3), Baseline: r.IsDBNull(4) ? 0 : r.GetDouble(4), During: r.IsDBNull(5) ? 0 : r.GetDouble(5)), ct, name).ConfigureAwait(false);
            if (benches is [var bench] && bench.Rows > 0 && bench.Seconds > 0)
                return new BackfillRateSource(bench.Rows / bench.Seconds, BackfillRateOrigin.LastBench,
                    Invariant($"measured by the last recorded backfill benchmark of {name} ({bench.Rows:N0} rows in {bench.Seconds:N1} s on a fresh copy, {bench.At.UtcDateTime:yyyy-MM-dd HH:mm} UTC; no backfill of this table completed yet)"),
                    bench.Tps is { } tps ? Invariant($"assumes the foreground p99 it was measured under: {bench.During:F1} ms (baseline {bench.Baseline:F1} ms) at {tps:N0} ops/s") : null);
        }
        return BackfillRateSource.Default;
    }

    private static async Task<bool> ExistsAsync(SafeSqlRunner sql, string relation, CancellationToken ct) =>
        await sql.ScalarAsync<bool>("SELECT to_regclass($1) IS NOT NULL", ct, relation).ConfigureAwait(false);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
