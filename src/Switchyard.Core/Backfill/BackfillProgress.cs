namespace Switchyard.Core.Backfill;

/// <summary>Where a backfill stands: from the running process (IProgress) or read back from the journal.</summary>
public sealed record BackfillProgress(
    string Migration,
    string State,
    string? Reason,
    long RowsDone,
    long RowsEstimated,
    long KeysDone,
    long KeysTotal,
    double RowsPerSecond,
    TimeSpan? Eta,
    IReadOnlyList<WorkerProgress> Workers)
{
    /// <summary>The operation step whose backfill this is (the part after <c>#</c> of its run key); null for a normalization's own run.</summary>
    public string? Step { get; init; }

    /// <summary>Share of the key space covered, 0..1.</summary>
    public double Fraction => KeysTotal <= 0 ? 1.0 : Math.Clamp((double)KeysDone / KeysTotal, 0, 1);
}

/// <summary>One worker's range and how far it got.</summary>
public sealed record WorkerProgress(int Worker, long FromKey, long ToKey, long NextKey, bool Done, long RowsUpdated, long Batches, long CurrentBatchKeys, string State)
{
    /// <summary>The leaf partition the range walks (schema.name), when the table is partitioned.</summary>
    public string? Partition { get; init; }

    public long KeysDone => Math.Clamp(NextKey - FromKey, 0, ToKey - FromKey);
}
