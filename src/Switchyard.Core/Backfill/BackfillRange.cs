using Switchyard.Core.Execution;

namespace Switchyard.Core.Backfill;

/// <summary>One worker's disjoint key range [From, To) and its committed cursor.</summary>
public sealed record BackfillRange(int RangeNo, long From, long To, long Next, bool Done, long RowsUpdated, long Batches)
{
    /// <summary>The leaf partition the range walks, when the table is partitioned; null walks the table itself.</summary>
    public QualifiedName? Partition { get; init; }
}

/// <summary>What a run works on: the key bounds fixed at the first start, the ranges and this attempt's number.</summary>
internal sealed record BackfillPlan(int RunNo, long MinKey, long MaxKey, long RowsEstimated, bool Resumed, bool AlreadyCompleted, IReadOnlyList<BackfillRange> Ranges);
