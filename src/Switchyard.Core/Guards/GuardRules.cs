namespace Switchyard.Core.Guards;

/// <summary>Default rules per signal, sized for a payments database on ordinary hardware; a spec or config overrides any of them.</summary>
public static class GuardRules
{
    private const double MiB = 1024 * 1024;

    /// <summary>The defaults. Signals missing here only observe.</summary>
    public static IReadOnlyDictionary<string, GuardRule> Defaults { get; } = new Dictionary<string, GuardRule>
    {
        // A standby more than 64 MiB or 10 s behind is a failover that loses data or a read replica serving stale balances.
        [SignalNames.ReplicationLagBytes] = new() { SlowAt = 16 * MiB, PauseAt = 64 * MiB, ResumeBelow = 8 * MiB },
        [SignalNames.ReplicationLagSeconds] = new() { SlowAt = 2, PauseAt = 10, ResumeBelow = 1 },
        [SignalNames.HeartbeatLagSeconds] = new() { SlowAt = 2, PauseAt = 10, ResumeBelow = 1 },
        // CDC feeding risk models must not fall behind a backfill; retained WAL also fills the primary's disk.
        [SignalNames.SlotRetainedBytes] = new() { SlowAt = 256 * MiB, PauseAt = 1024 * MiB, ResumeBelow = 128 * MiB },
        // Long transactions hold back vacuum on the table we are rewriting row by row: slow down, never pause for them.
        [SignalNames.LongTransactionSeconds] = new() { SlowAt = 300 },
        // A customer session must never wait on us past lock_timeout (200 ms by default).
        [SignalNames.LockWaitSeconds] = new() { SlowAt = 0.05, PauseAt = 0.2, ResumeBelow = 0.05 },
        // Foreground latency: p99 of the canary against the baseline taken before the migration.
        [SignalNames.CanaryP99Ratio] = new() { SlowAt = 3, PauseAt = 10, ResumeBelow = 2 },
        [SignalNames.WalRate] = GuardRule.Observe,
        [SignalNames.DeadTupleFraction] = GuardRule.Observe,
        // Money: one wrong read in a thousand is an incident; reads go back to legacy at once.
        [SignalNames.MismatchRate] = new() { PauseAt = 0.001, ResumeBelow = 0.0001, RollbackAt = 0.001 },
    };

    /// <summary>The rule for a signal: the override when given, else the default, else observe only.</summary>
    public static GuardRule For(string signal, IReadOnlyDictionary<string, GuardRule>? overrides) =>
        overrides is not null && overrides.TryGetValue(signal, out var rule) ? rule
        : Defaults.TryGetValue(signal, out var d) ? d
        : GuardRule.Observe;
}
