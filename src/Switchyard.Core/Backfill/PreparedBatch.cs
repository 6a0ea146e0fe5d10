namespace Switchyard.Core.Backfill;

/// <summary>A batch ready to run, with what its preparation found (warnings, and the preflight for the start event).</summary>
internal sealed record PreparedBatch(IBackfillBatch Batch, List<string> Warnings, object? Preflight = null, double? EstimatedDistinct = null)
{
    /// <summary>Per-row foreign key checks: kept unless <see cref="ForeignKeyCheckMode.DecideAsync"/> found them safe to defer (journaled when it decided).</summary>
    public ForeignKeyCheckMode ForeignKeyChecks { get; init; } = ForeignKeyCheckMode.NotApplicable;

    /// <summary>The target's handling of errors its batch raises on purpose (<see cref="IBatchFailureHandler"/>); null: it raises none.</summary>
    public IBatchFailureHandler? Failures { get; init; }
}
