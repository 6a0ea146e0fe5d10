namespace Switchyard.Core.Engine.Rollback;

/// <summary>How a rollback returns flags that have left legacy and waits for the application fleet.</summary>
public sealed record RollbackOptions
{
    /// <summary>The migration's name; required once flags have left legacy (app v2 may read only the new shape).</summary>
    public string? Confirm { get; init; }

    /// <summary>How long to wait for every connected Compat client to acknowledge the legacy flags before refusing.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan AckTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A client without a live LISTEN session still counts as connected while its heartbeat is younger than this.</summary>
    /// <value>The default value is 15 seconds (three of the client's default 5-second polls).</value>
    public TimeSpan HeartbeatWindow { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Progress lines while waiting (who has not acknowledged yet).</summary>
    public IProgress<string>? Progress { get; init; }

    /// <summary>Clock for the wait.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
