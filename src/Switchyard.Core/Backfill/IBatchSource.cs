using Microsoft.Extensions.Logging;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Backfill;

/// <summary>
/// How a backfill target readies its batch before the first one runs. The runner asks the target (a normalization, an
/// operation unit's touch of every row) and knows no kind of its own.
/// </summary>
internal interface IBatchSource
{
    /// <summary>
    /// True when a batch tells rows already filled from rows to fill, so workers may run a lead window ahead of the
    /// trailing one (<see cref="BackfillOptions.HotLagWindows"/>); a touch rewrites whatever rows it reaches.
    /// </summary>
    bool SkipsFilledRows { get; }

    /// <summary>Refuses a target that cannot run, before the run measures, creates or changes anything.</summary>
    void Validate()
    {
    }

    Task<PreparedBatch> PrepareAsync(BatchPreparation preparation, CancellationToken ct);
}

/// <summary>What a target may use to ready its batch: the SQL runner, the backfill journal, the run's migration and options, and the log.</summary>
internal sealed record BatchPreparation(SafeSqlRunner Sql, BackfillStore Store, string Migration, BackfillOptions Options, ILogger Logger);
