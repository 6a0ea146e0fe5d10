using System.Globalization;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Runbook.Scale;

/// <summary>
/// Measures how fast the standbys replay WAL: two samples of <c>pg_stat_replication</c> a few seconds apart. Only a
/// standby that had WAL left to replay at both samples was working flat out, so only its replay rate is its capacity;
/// the slowest such standby binds. Otherwise (no standby, or all caught up) it says so and uses the documented default.
/// </summary>
public static class ReplicaApplyReader
{
    private const string SampleSql = """
        SELECT application_name, pg_wal_lsn_diff(replay_lsn, '0/0')::float8, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float8
        FROM pg_stat_replication
        WHERE replay_lsn IS NOT NULL
        """;

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    public static async Task<ScaleFigure> ReadAsync(SafeSqlRunner sql, CancellationToken ct)
    {
        var first = await SampleAsync(sql, ct).ConfigureAwait(false);
        if (first.Count == 0)
            return ScaleFigure.Default(ScaleDefaults.ReplicaApplyMBPerSecond, "no standby in pg_stat_replication to measure; pass --replica-apply-mb-per-second");
        await Task.Delay(Interval, ct).ConfigureAwait(false);
        var second = await SampleAsync(sql, ct).ConfigureAwait(false);
        var busy = first.Join(second, a => a.Name, b => b.Name, (a, b) => (a.Name, Rate: (b.Replayed - a.Replayed) / Interval.TotalSeconds, Busy: a.Backlog > 0 && b.Backlog > 0))
            .Where(s => s.Busy && s.Rate > 0).OrderBy(s => s.Rate).ToList();
        if (busy.Count == 0)
            return ScaleFigure.Default(ScaleDefaults.ReplicaApplyMBPerSecond, string.Create(CultureInfo.InvariantCulture,
                $"{first.Count} standby(s) connected but none had WAL left to replay, so their capacity could not be measured; pass --replica-apply-mb-per-second"));
        var slowest = busy[0];
        return new ScaleFigure(slowest.Rate / ScaleDefaults.BytesPerMB, string.Create(CultureInfo.InvariantCulture,
            $"measured: standby {slowest.Name} replayed {slowest.Rate / ScaleDefaults.BytesPerMB:N1} MB/s over {Interval.TotalSeconds:N0} s while behind (pg_stat_replication), the slowest of {busy.Count} busy standby(s)"));
    }

    private static Task<IReadOnlyList<(string Name, double Replayed, double Backlog)>> SampleAsync(SafeSqlRunner sql, CancellationToken ct) =>
        sql.QueryAsync(SampleSql, r => (r.IsDBNull(0) ? "" : r.GetString(0), r.GetDouble(1), r.GetDouble(2)), ct);
}
