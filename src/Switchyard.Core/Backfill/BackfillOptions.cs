namespace Switchyard.Core.Backfill;

/// <summary>How the backfill splits, sizes, times out and retries its batches.</summary>
public sealed record BackfillOptions
{
    /// <summary>Parallel workers, each owning one disjoint key range (fixed when a run first starts).</summary>
    /// <value>The default is the core count, between 1 and 8.</value>
    public int Workers { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 8);

    /// <summary>How long one batch should take; the size adapts towards it.</summary>
    /// <value>The default is 200 ms.</value>
    public TimeSpan TargetBatchTime { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Key width of the first batch of each worker.</summary>
    /// <value>The default is 5,000.</value>
    public long InitialBatchKeys { get; init; } = 5_000;

    /// <summary>Smallest key width a batch shrinks or splits to.</summary>
    /// <value>The default is 50.</value>
    public long MinBatchKeys { get; init; } = 50;

    /// <summary>Largest key width a batch grows to.</summary>
    /// <value>The default is 200,000.</value>
    public long MaxBatchKeys { get; init; } = 200_000;

    /// <summary>lock_timeout of each batch transaction: a batch never queues long behind an application's row lock.</summary>
    /// <value>The default is 200 ms.</value>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>statement_timeout of each batch; on expiry the batch is split in half.</summary>
    /// <value>The default is 5 s.</value>
    public TimeSpan StatementTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts per batch on transient errors before the backfill pauses with the reason.</summary>
    /// <value>The default is 8.</value>
    public int MaxAttempts { get; init; } = 8;

    /// <summary>First retry delay, doubled per attempt with jitter.</summary>
    /// <value>The default is 100 ms.</value>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest retry delay.</summary>
    /// <value>The default is 5 s.</value>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a Pause decision without its own delay waits before asking the throttles again.</summary>
    /// <value>The default is 1 s.</value>
    public TimeSpan PausePollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How many times each key window is visited (<see cref="HotPassSchedule"/>): the first visit moves 1/passes of
    /// each page's rows off it, and every later one updates the next share in the space pruning freed. 1 turns it off.
    /// </summary>
    /// <value>The default is 16 (measured against 2, 4, 8 and 32 in the note of this change).</value>
    public int HotPasses { get; init; } = 16;

    /// <summary>
    /// Batches between two visits of a window, so one visit's old row versions are dead to every snapshot (the other
    /// workers' included) and can be pruned by the next. 0 turns the passes off.
    /// </summary>
    /// <value>The default is 1.</value>
    public int HotLagWindows { get; init; } = 1;

    /// <summary>Run ANALYZE on the table when the backfill completes, so plans see the filled column.</summary>
    /// <value>The default is true.</value>
    public bool AnalyzeWhenDone { get; init; } = true;

    public void Validate()
    {
        if (Workers is < 1 or > 64) throw new SwitchyardException($"backfill workers must be between 1 and 64, got {Workers}.", "Pass --workers 2 (one per core is a good start).");
        if (MinBatchKeys < 1 || MinBatchKeys > MaxBatchKeys)
            throw new SwitchyardException($"batch bounds must satisfy 1 <= min <= max, got min={MinBatchKeys} max={MaxBatchKeys}.");
        if (InitialBatchKeys < MinBatchKeys || InitialBatchKeys > MaxBatchKeys)
            throw new SwitchyardException($"the initial batch ({InitialBatchKeys}) must lie between min ({MinBatchKeys}) and max ({MaxBatchKeys}).");
        if (TargetBatchTime <= TimeSpan.Zero) throw new SwitchyardException("the target batch time must be positive.");
        if (LockTimeout <= TimeSpan.Zero || StatementTimeout <= TimeSpan.Zero)
            throw new SwitchyardException("batch lock_timeout and statement_timeout must be positive: a batch without them can stall payments.");
        if (HotLagWindows is < 0 or > 100) throw new SwitchyardException($"the HOT lag must be between 0 and 100 windows, got {HotLagWindows}.");
        if (HotPasses is < 1 or > 64) throw new SwitchyardException($"the HOT passes must be between 1 and 64, got {HotPasses}.");
        if (MaxAttempts is < 1 or > 1000) throw new SwitchyardException($"batch attempts must be between 1 and 1000, got {MaxAttempts}.");
    }
}
