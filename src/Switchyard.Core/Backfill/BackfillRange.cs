namespace Switchyard.Core.Backfill;

/// <summary>One worker's disjoint key range [From, To) and its committed cursor.</summary>
public sealed record BackfillRange(int RangeNo, long From, long To, long Next, bool Done, long RowsUpdated, long Batches);

/// <summary>What a run works on: the key bounds fixed at the first start, the ranges and this attempt's number.</summary>
internal sealed record BackfillPlan(int RunNo, long MinKey, long MaxKey, long RowsEstimated, bool Resumed, bool AlreadyCompleted, IReadOnlyList<BackfillRange> Ranges);
