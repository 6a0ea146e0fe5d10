namespace Switchyard.Compat.Latency;

/// <summary>How <see cref="LatencyPublisher"/> writes this instance's latencies.</summary>
public sealed record LatencyPublisherOptions
{
    /// <summary>This app instance's name in <c>switchyard.compat_latency.instance_id</c>.</summary>
    /// <value>The default value is <c>host:pid:random</c>, unique per process.</value>
    public string InstanceId { get; init; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>How often one row of latencies is written; the controller's window should span a few of them.</summary>
    /// <value>The default value is 500 ms.</value>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Rows older than this are deleted (by each instance, every <see cref="PruneEvery"/> publishes).</summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan Retention { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Publishes between two prunes.</summary>
    /// <value>The default value is 120 (a minute at the default interval).</value>
    public int PruneEvery { get; init; } = 120;

    /// <summary>Clock for the publishing interval.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Interval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Retention, Interval);
        ArgumentOutOfRangeException.ThrowIfLessThan(PruneEvery, 1);
    }
}
