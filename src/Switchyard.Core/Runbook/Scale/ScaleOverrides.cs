namespace Switchyard.Core.Runbook.Scale;

/// <summary>What the operator asked for: the full-scale rows and shards, and any figure given instead of measured.</summary>
public sealed record ScaleOverrides
{
    public required long Rows { get; init; }

    public int Shards { get; init; } = 1;

    public double? ReplicaApplyMBPerSecond { get; init; }

    public double? WalBytesPerRow { get; init; }

    public double? IoMBPerSecond { get; init; }

    public double LagThresholdSeconds { get; init; } = ScaleDefaults.LagThresholdSeconds;
}
