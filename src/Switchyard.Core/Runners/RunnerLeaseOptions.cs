namespace Switchyard.Core.Runners;

/// <summary>How often a runner proves it is alive, and when a silent one counts as gone.</summary>
public sealed record RunnerLeaseOptions
{
    /// <summary>How often the heartbeat row is refreshed.</summary>
    /// <value>The default is 2 s.</value>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A runner whose last beat is older than this many intervals is gone, and its row may be taken over.</summary>
    /// <value>The default is 5.</value>
    public int MissedBeats { get; init; } = 5;

    /// <summary>How many times a runner tries to re-take a lock whose session died (e.g. while the server restarts).</summary>
    /// <value>The default is 20, one second apart.</value>
    public int RetakeAttempts { get; init; } = 20;

    /// <summary>Pause between two attempts to re-take the lock.</summary>
    /// <value>The default is 1 s.</value>
    public TimeSpan RetakeDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan StaleAfter => HeartbeatInterval * MissedBeats;

    public void Validate()
    {
        if (HeartbeatInterval <= TimeSpan.Zero) throw new SwitchyardException($"the runner heartbeat interval must be positive, got {HeartbeatInterval}.");
        if (MissedBeats < 2) throw new SwitchyardException($"a runner must be allowed to miss at least 2 heartbeats, got {MissedBeats}.");
        if (RetakeAttempts < 1) throw new SwitchyardException($"re-take attempts must be at least 1, got {RetakeAttempts}.");
    }
}
