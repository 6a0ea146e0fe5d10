namespace Switchyard.Core.Guards;

/// <summary>The signal names used in rules, the journal, status and metrics (snake_case, as in specs).</summary>
public static class SignalNames
{
    /// <summary>WAL bytes a standby has not replayed yet (pg_stat_replication on the primary).</summary>
    public const string ReplicationLagBytes = "replication_lag_bytes";
    /// <summary>replay_lag a standby reports (pg_stat_replication on the primary).</summary>
    public const string ReplicationLagSeconds = "replication_lag_seconds";
    /// <summary>How old the newest heartbeat visible on the standby is, against the one just written on the primary.</summary>
    public const string HeartbeatLagSeconds = "heartbeat_lag_seconds";
    /// <summary>WAL a replication slot keeps from being recycled (pg_replication_slots).</summary>
    public const string SlotRetainedBytes = "slot_retained_bytes";
    /// <summary>Age of a transaction open beyond the report threshold (pg_stat_activity).</summary>
    public const string LongTransactionSeconds = "long_transaction_seconds";
    /// <summary>How long a session has waited for a lock a Switchyard session holds (pg_blocking_pids).</summary>
    public const string LockWaitSeconds = "lock_wait_seconds";
    /// <summary>Canary probe p99 over the window divided by the baseline p99.</summary>
    public const string CanaryP99Ratio = "canary_p99_ratio";
    /// <summary>WAL generated per second between two samples.</summary>
    public const string WalRate = "wal_bytes_per_second";
    /// <summary>Dead tuples of the migrated table as a fraction of its live tuples.</summary>
    public const string DeadTupleFraction = "dead_tuple_fraction";
    /// <summary>Dual-read mismatches / reads published by the compat library.</summary>
    public const string MismatchRate = "mismatch_rate";
}
