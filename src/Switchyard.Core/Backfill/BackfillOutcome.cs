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

/// <summary>Legacy values that map to no code under the <c>fail</c> policy.</summary>
public sealed record BackfillFailed(UnmappedReport Unmapped, BackfillStats Stats) : BackfillOutcome(Stats)
{
    public override string State => "failed";
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

/// <summary>Distinct unmapped values found, with where to look.</summary>
public sealed record UnmappedReport(string Table, string Column, IReadOnlyList<UnmappedValue> Values)
{
    public override string ToString() =>
        $"{Values.Count} unmapped value(s) in {Table}.{Column}: " +
        string.Join("; ", Values.Select(v => $"'{v.Value}' ×{v.Rows} (e.g. keys {string.Join(", ", v.SampleKeys)})"));
}

/// <summary>One legacy value (as stored) that maps to no code.</summary>
public sealed record UnmappedValue(string Value, string NormalizedCode, long Rows, IReadOnlyList<long> SampleKeys);
