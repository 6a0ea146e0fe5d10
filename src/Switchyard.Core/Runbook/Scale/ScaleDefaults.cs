namespace Switchyard.Core.Runbook.Scale;

/// <summary>
/// The documented defaults of the scale estimate, used where nothing was measured. One MB is 1,000,000 bytes
/// throughout, so 50 MB/s ÷ 800 B/row is exactly 62,500 rows/s.
/// </summary>
public static class ScaleDefaults
{
    /// <summary>Bytes in one MB of the estimate's rates.</summary>
    public const double BytesPerMB = 1_000_000;

    /// <summary>WAL per backfilled row: a new heap tuple version plus full-page images after checkpoints, on the ledger's ~150-byte rows.</summary>
    public const double WalBytesPerRow = 800;

    /// <summary>What one standby's startup process replays per second on small hardware (single-threaded redo).</summary>
    public const double ReplicaApplyMBPerSecond = 50;

    /// <summary>Sustained write bandwidth of the primary's disk (WAL plus heap).</summary>
    public const double IoMBPerSecond = 200;

    /// <summary>A CREATE INDEX CONCURRENTLY build's heap read and sort (300,000 rows/s at ~100 bytes/row).</summary>
    public const double IndexBuildMBPerSecond = 30;

    /// <summary>Heap bytes per row when the table was never analyzed.</summary>
    public const double BytesPerRow = 150;

    /// <summary>The replication-lag pause threshold of the guards (GuardRules: replication_lag_seconds pauses at 10).</summary>
    public const double LagThresholdSeconds = 10;
}
