using Microsoft.Extensions.Logging;
using Switchyard.Core.Engine;
using Switchyard.Core.Operations;

namespace Switchyard.Core.Backfill;

/// <summary>
/// Plugs <see cref="BackfillRunner"/> into the engine's Backfill phase (a normalization, or an operation unit's touch): parallel ranges, adaptive batches, exact resume,
/// and every throttle (operator control, rows/s limit, guards) asked before each batch.
/// </summary>
public sealed class BackfillRunnerPhase(BackfillOptions options, IReadOnlyList<IBackfillThrottle> throttles, IProgress<BackfillProgress>? progress = null,
    ILoggerFactory? loggers = null, TimeProvider? time = null) : IBackfillPhase
{
    public async Task<BackfillPhaseResult> RunAsync(MigrationRun run, IBackfillTarget target, CancellationToken ct)
    {
        var runner = new BackfillRunner(run.Sql, loggers?.CreateLogger<BackfillRunner>(), time);
        // The operator's pause/abort always counts, whatever else the caller plugged in.
        IReadOnlyList<IBackfillThrottle> all = [new OperatorControlThrottle(run.Sql, time), .. throttles];
        // The table's runner lock is checked (and taken back if its session died) before every batch, not only every step.
        if (run.Lease is { } lease)
            all = [new RunnerLeaseThrottle(lease, (note, token) => run.Journal.EventAsync(run.MigrationId, "runner_lock_retaken", note, null, token)), .. all];
        var outcome = await runner.RunAsync(new BackfillRequest(run.Name, target, options), all, progress, ct).ConfigureAwait(false);
        var stats = outcome.Stats;
        return outcome switch
        {
            BackfillCompleted => new BackfillPhaseResult(true, stats.RowsUpdated, stats.RowsUpdated, (int)stats.Batches),
            BackfillPaused p => new BackfillPhaseResult(false, stats.RowsUpdated, stats.RowsUpdated, (int)stats.Batches, p.Reason),
            BackfillAborted a => new BackfillPhaseResult(false, stats.RowsUpdated, stats.RowsUpdated, (int)stats.Batches, "aborted: " + a.Reason),
            BackfillFailed f => throw new SwitchyardException($"Backfill stopped at {f.Refusal.Reason}.",
                f.Refusal.Hint + " Then re-run apply: finished ranges are not repeated."),
            _ => throw new InvalidOperationException($"Unknown backfill outcome {outcome.GetType().Name}."),
        };
    }
}
