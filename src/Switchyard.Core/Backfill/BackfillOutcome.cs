namespace Switchyard.Core.Backfill;

/// <summary>How a backfill run ended. Paused and Aborted keep every committed batch; re-running resumes from the cursors.</summary>
public abstract record BackfillOutcome(BackfillStats Stats)
{
    public abstract string State { get; }
}

/// <summary>Every range reached the max key seen at start.</summary>
public sealed record BackfillCompleted(BackfillStats Stats) : BackfillOutcome(Stats)
{
    public override string State => "completed";
}

/// <summary>Stopped on purpose or after bounded retries ran out; resume with the same command.</summary>
public sealed record BackfillPaused(string Reason, BackfillStats Stats) : BackfillOutcome(Stats)
{
    public override string State => "paused";
}

/// <summary>A throttle (operator or guard) asked to abort.</summary>
public sealed record BackfillAborted(string Reason, BackfillStats Stats) : BackfillOutcome(Stats)
{
    public override string State => "aborted";
}

/// <summary>A batch met data its target refuses to fill (e.g. legacy values that map to no code under the <c>fail</c> policy).</summary>
public sealed record BackfillFailed(BatchRefusal Refusal, BackfillStats Stats) : BackfillOutcome(Stats)
{
    public override string State => "failed";
}

/// <summary>
/// Why a target refused its rows: the reason (journaled as the run's), how to fix it, and the target's own report
/// (e.g. each unmapped value with its row count and sample keys), written as data into the journal and <c>--json</c>.
/// </summary>
public sealed record BatchRefusal(string Reason, string Hint, object? Details)
{
    public override string ToString() => Reason;
}

/// <summary>Counters of one run (this process only).</summary>
public sealed record BackfillStats(
    long RowsUpdated,
    long Batches,
    long Retries,
    long Splits,
    long ThrottleWaits,
    long BatchRowsP50,
    long BatchKeysP50,
    double BatchMillisP50,
    int Workers,
    TimeSpan Elapsed,
    IReadOnlyList<string> Warnings)
{
    public static readonly BackfillStats Empty = new(0, 0, 0, 0, 0, 0, 0, 0, 0, TimeSpan.Zero, []);
}
