using Switchyard.Samples.Ledger.Workload;

namespace Switchyard.Samples.Ledger.Bench;

/// <summary>
/// Whether a freshly started open-loop workload has settled. A cold start (new connections and backends, right after
/// the immediate checkpoint each side begins with) can leave a backlog that the open loop keeps feeding for tens of
/// seconds; a baseline window that catches its tail reads a p99 of seconds instead of milliseconds, and any ratio
/// over it means nothing.
/// </summary>
public static class WorkloadSettling
{
    /// <summary>Seconds in a row that must look like steady state.</summary>
    public const int SettledSeconds = 3;

    /// <summary>
    /// A second's p99 above this is a backlog draining, not steady state: on the 2-core bench box steady seconds read
    /// tens of milliseconds (about 110 ms when the regulatory report's scan overlaps), a cold start's read seconds.
    /// </summary>
    public const double BacklogP99Ms = 250;

    /// <summary>
    /// True when each of the last <see cref="SettledSeconds"/> seconds that ended at least a second ago completed all its
    /// payments (none still queued behind a backlog) with a p99 under <see cref="BacklogP99Ms"/>.
    /// </summary>
    public static bool IsSettled(IReadOnlyList<TimelinePoint> timeline, TimeSpan elapsed, double operationsPerSecond)
    {
        // Seconds are by due time: second s ends at s + 1, so the newest one due a full second ago is elapsed - 2.
        var newest = (int)Math.Floor(elapsed.TotalSeconds) - 2;
        var expected = Math.Floor(operationsPerSecond) - 1;
        var bySecond = timeline.ToDictionary(p => p.Second);
        for (var second = newest - SettledSeconds + 1; second <= newest; second++)
        {
            if (second < 0 || !bySecond.TryGetValue(second, out var point)) return false;
            var payments = point.Operations - (point.RegulatoryReportMaxMs is null ? 0 : 1);
            if (payments < expected || point.PaymentsP99Ms > BacklogP99Ms) return false;
        }
        return true;
    }
}
