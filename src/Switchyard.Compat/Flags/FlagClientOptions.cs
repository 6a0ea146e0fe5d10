namespace Switchyard.Compat.Flags;

/// <summary>How <see cref="FlagClient"/> listens and polls.</summary>
public sealed record FlagClientOptions
{
    /// <summary>The NOTIFY channel the engine announces flag changes on (Core's <c>JournalSchema.FlagsChannel</c>).</summary>
    public const string Channel = "switchyard_flags";

    /// <summary>Listen for NOTIFY on a dedicated connection.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Listen { get; init; } = true;

    /// <summary>
    /// Safety-net reload of every flag while the listener is healthy (a notification can be lost, e.g. during a
    /// failover). <see cref="Timeout.InfiniteTimeSpan"/> turns it off.
    /// </summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Reload interval while the listener is down or disabled: the fallback that keeps flips within about a second.</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan DisconnectedPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the listener waits for a notification before it pings the server to detect a dead connection.</summary>
    /// <value>The default value is 15 seconds.</value>
    public TimeSpan ListenerKeepAlive { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>First delay before reconnecting a failed listener; doubles per failure up to <see cref="ReconnectMaxDelay"/>.</summary>
    /// <value>The default value is 100 milliseconds.</value>
    public TimeSpan ReconnectMinDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest delay between listener reconnect attempts.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Clock for polling and backoff.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal void Validate()
    {
        if (DisconnectedPollInterval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(DisconnectedPollInterval), DisconnectedPollInterval, "Must be positive: it is the fallback when notifications are unavailable.");
        if (PollInterval <= TimeSpan.Zero && PollInterval != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(PollInterval), PollInterval, "Must be positive, or Timeout.InfiniteTimeSpan to poll only while the listener is down.");
        if (ReconnectMinDelay <= TimeSpan.Zero || ReconnectMaxDelay < ReconnectMinDelay)
            throw new ArgumentOutOfRangeException(nameof(ReconnectMinDelay), ReconnectMinDelay, "Need 0 < ReconnectMinDelay <= ReconnectMaxDelay.");
        if (ListenerKeepAlive <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(ListenerKeepAlive), ListenerKeepAlive, "Must be positive.");
    }
}
