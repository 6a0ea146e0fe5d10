using Switchyard.Core.Execution;

namespace Switchyard.Core.Operations;

/// <summary>
/// The backfill of an operation unit: every existing row is updated with <see cref="TouchColumn"/> set to itself, in
/// keyset batches, so its BEFORE UPDATE trigger (the operation's <c>up</c>/<c>down</c>) fills the new shape.
/// </summary>
/// <param name="Table">The table whose rows are touched.</param>
/// <param name="KeyColumn">Its single-column int2/int4/int8 primary key.</param>
/// <param name="TouchColumn">The column set to itself (the trigger does the real work).</param>
/// <param name="StepKey">The plan step's key: a migration may hold several unit backfills, each with its own cursors.</param>
public sealed record RowTouchTarget(QualifiedName Table, string KeyColumn, string TouchColumn, string StepKey) : IBackfillTarget, Backfill.IBatchSource
{
    /// <summary>A touch rewrites whatever rows it reaches: it has no test for "already done".</summary>
    bool Backfill.IBatchSource.SkipsFilledRows => false;

    Task<Backfill.PreparedBatch> Backfill.IBatchSource.PrepareAsync(Backfill.BatchPreparation p, CancellationToken ct) =>
        Task.FromResult(new Backfill.PreparedBatch(new Backfill.TouchStatements(this), []));

    public string Filled => $"{Table}.{TouchColumn}";

    public string JournalKey(string migration) => $"{migration}#{StepKey}";
}
