namespace Switchyard.Core.Guards.Slo;

/// <summary>A measure of the latency the application sees, for the latency-SLO controller.</summary>
public interface IForegroundLatency
{
    /// <summary>Short name journaled with decisions (e.g. "canary probe").</summary>
    string Name { get; }

    /// <summary>The p99 in ms over a short quiet window: call before the backfill generates load.</summary>
    Task<double> BaselineP99MsAsync(CancellationToken ct);

    /// <summary>The p99 over the most recent window, taking new samples now, and the new operations slower than <paramref name="sloMs"/>.</summary>
    Task<LatencySample> RecentAsync(double sloMs, CancellationToken ct);
}
