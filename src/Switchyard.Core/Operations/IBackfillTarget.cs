using Switchyard.Core.Execution;

namespace Switchyard.Core.Operations;

/// <summary>
/// What a keyset backfill walks: a table and its single-column integer key. The runner, store, workers and throttles
/// serve every kind; what one batch does comes from the concrete target (a normalization, or a touch of the rows).
/// </summary>
public interface IBackfillTarget
{
    QualifiedName Table { get; }

    /// <summary>The single-column integer primary key the ranges and batches are cut on.</summary>
    string KeyColumn { get; }

    /// <summary>What is filled, for messages, e.g. <c>public.orders.total</c>.</summary>
    string Filled { get; }

    /// <summary>The key of this backfill's run and cursors in <c>switchyard.backfill_runs</c>, unique per migration step.</summary>
    string JournalKey(string migration);
}
