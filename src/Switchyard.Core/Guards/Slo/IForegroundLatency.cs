namespace Switchyard.Core.Guards.Slo;

/// <summary>A measure of the latency the application sees, for the latency-SLO controller.</summary>
public interface IForegroundLatency
{
    /// <summary>Short name journaled with decisions (e.g. "canary probe").</summary>
    string Name { get; }

    /// <summary>
    /// The p99 the SLO is relative to, over a window the migration did not load: call before the backfill generates load.
    /// <paramref name="migration"/> lets a measure that keeps history look back to before the migration's first step.
    /// </summary>
    Task<ForegroundBaseline> BaselineAsync(string? migration, CancellationToken ct);

    /// <summary>The p99 over the most recent window, taking new samples now, and the new operations slower than <paramref name="sloMs"/>.</summary>
    Task<LatencySample> RecentAsync(double sloMs, CancellationToken ct);
}

/// <summary>A baseline p99 and the window it was measured over, in words for the journal ("the 20 s before ...").</summary>
public sealed record ForegroundBaseline(double P99Ms, string Window);
