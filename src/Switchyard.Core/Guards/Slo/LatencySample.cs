namespace Switchyard.Core.Guards.Slo;

/// <summary>
/// One sample of foreground latency: the recent p99, and the operations this sample adds to the error budget (counted
/// once: operations a widened window reads again are not counted again) with how many of them took longer than the SLO.
/// </summary>
public readonly record struct LatencySample(double P99Ms, long Operations, long OverSlo)
{
    /// <summary>A p99 alone, with nothing to count against the error budget.</summary>
    public static LatencySample P99Only(double p99Ms) => new(p99Ms, 0, 0);
}
