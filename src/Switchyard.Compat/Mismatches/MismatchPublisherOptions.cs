namespace Switchyard.Compat.Mismatches;

/// <summary>How <see cref="MismatchPublisher"/> writes this instance's figures.</summary>
public sealed record MismatchPublisherOptions
{
    /// <summary>This app instance's name in <c>switchyard.compat_mismatches.instance_id</c>.</summary>
    /// <value>The default value is <c>host:pid:random</c>, unique per process.</value>
    public string InstanceId { get; init; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>How often the figures are written.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Clock for the publishing interval.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
