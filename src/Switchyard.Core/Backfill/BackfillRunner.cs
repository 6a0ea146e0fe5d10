using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Core.Execution;
using Switchyard.Core.Telemetry;

namespace Switchyard.Core.Backfill;

/// <summary>
/// Fills the target column of every row that existed when the backfill first started, in parallel disjoint key
/// ranges of short, throttled, idempotent batches whose cursors commit with them: re-running after a crash or a pause
/// resumes exactly where each range's last committed batch ended.
/// </summary>
public sealed class BackfillRunner
{
    private readonly SafeSqlRunner _sql;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    public BackfillRunner(SafeSqlRunner sql, ILogger<BackfillRunner>? logger = null, TimeProvider? time = null)
    {
        _sql = sql;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Runs (or resumes) the backfill as one <c>switchyard.backfill</c> activity with a child per committed batch.</summary>
    public async Task<BackfillOutcome> RunAsync(BackfillRequest request, IReadOnlyList<IBackfillThrottle> throttles, IProgress<BackfillProgress>? progress, CancellationToken ct)
    {
        using var activity = BackfillActivities.StartRun(request);
        try
        {
            var outcome = await RunCoreAsync(request, throttles, progress, ct).ConfigureAwait(false);
            BackfillActivities.Finish(activity, outcome);
            return outcome;
        }
        catch (Exception e)
        {
            activity.Fail(e);
            throw;
        }
    }

    private async Task<BackfillOutcome> RunCoreAsync(BackfillRequest request, IReadOnlyList<IBackfillThrottle> throttles, IProgress<BackfillProgress>? progress, CancellationToken ct)
    {
        request.Validate();
        var target = request.Target;
        var source = target as IBatchSource ?? throw new InvalidOperationException($"No backfill batch for a {target.GetType().Name}.");
        // A batch with no "already done" test cannot skip the rows a lead window moved ahead: one window only.
        if (!source.SkipsFilledRows) request = request with { Options = request.Options with { HotLagWindows = 0 } };
        // The foreground's baseline comes before the run's own preparation (journal tables, preflight scans) loads the database.
        foreach (var baseline in throttles.OfType<IForegroundBaseline>()) await baseline.MeasureBaselineAsync(request.MigrationName, ct).ConfigureAwait(false);
        await BackfillSchema.EnsureAsync(_sql, ct).ConfigureAwait(false);
        await using var guard = await RunGuard.AcquireAsync(_sql.DataSource, request.JournalKey, target.Table.ToString(), ct).ConfigureAwait(false);
        var store = new BackfillStore(_sql);
        throttles = [new RunnerLeaseThrottle(guard, (note, token) => store.AppendEventAsync(request.MigrationName, "backfill.lock_retaken", note, null, token)), .. throttles];

        var prepared = await source.PrepareAsync(new BatchPreparation(_sql, store, request.MigrationName, request.Options, _logger), ct).ConfigureAwait(false);
        var warnings = prepared.Warnings;

        var plan = await store.StartAsync(request.JournalKey, target, request.Options.Workers, ct).ConfigureAwait(false);
        var run = new BackfillRun(request.MigrationName, request.JournalKey, plan, _time);
        if (plan.AlreadyCompleted)
        {
            // Every row is filled, but the step is not journaled done: the final ANALYZE may be what failed. Run it now.
            await AnalyzeAsync(request, ct).ConfigureAwait(false);
            return new BackfillCompleted(run.Stats(warnings));
        }

        await store.AppendEventAsync(request.MigrationName, plan.Resumed ? "backfill.resumed" : "backfill.started",
            $"backfill run {plan.RunNo} of {target.Filled}: keys {plan.MinKey}..{plan.MaxKey}, {plan.Ranges.Count} range(s), ~{plan.RowsEstimated} rows",
            new { plan.RunNo, plan.MinKey, plan.MaxKey, plan.RowsEstimated, ranges = plan.Ranges.Select(r => new { r.RangeNo, r.From, r.To, r.Next, r.Done, partition = r.Partition?.ToString() }), preflight = prepared.Preflight, estimated_distinct = prepared.EstimatedDistinct, fk_checks_deferred = prepared.ForeignKeyChecks.Deferred, fk_checks = prepared.ForeignKeyChecks.Reason },
            ct).ConfigureAwait(false);

        if (prepared.ForeignKeyChecks.Decided)
            await store.AppendEventAsync(request.MigrationName, prepared.ForeignKeyChecks.Deferred ? "backfill.fk_checks_deferred" : "backfill.fk_checks_kept",
                prepared.ForeignKeyChecks.Reason, new { prepared.ForeignKeyChecks.Deferred }, ct).ConfigureAwait(false);

        var batchSql = new SafeSqlRunner(_sql.DataSource, _sql.Options with { MaxAttempts = 1 }, null, _time);
        var context = new BackfillContext(request, run, prepared, _sql, batchSql, throttles, progress, _logger, _time);
        // A partitioned table has a range per leaf partition, usually more than workers: at most that many run at once.
        using var slots = new SemaphoreSlim(Math.Max(1, request.Options.Workers));
        await Task.WhenAll(plan.Ranges.Where(r => !r.Done).Select(r => Task.Run(async () =>
        {
            await slots.WaitAsync(ct).ConfigureAwait(false);
            try { await new BackfillWorker(context, r).RunAsync(ct).ConfigureAwait(false); }
            finally { slots.Release(); }
        }, ct))).ConfigureAwait(false);

        var stats = run.Stats(warnings);
        BackfillOutcome outcome = run.StopOutcome switch
        {
            null => new BackfillCompleted(stats),
            var stopped => stopped with { Stats = stats },
        };
        var reason = outcome switch
        {
            BackfillPaused p => p.Reason,
            BackfillAborted a => a.Reason,
            BackfillFailed f => f.Refusal.Reason,
            _ => null,
        };
        await store.SetRunStateAsync(request.JournalKey, outcome.State, reason, ct).ConfigureAwait(false);
        await store.AppendEventAsync(request.MigrationName, "backfill." + outcome.State,
            reason ?? $"backfill of {target.Filled} completed: {stats.RowsUpdated} rows updated in {stats.Batches} batches",
            new { stats.RowsUpdated, stats.Batches, stats.Retries, stats.Splits, stats.ThrottleWaits, elapsed_seconds = stats.Elapsed.TotalSeconds, refusal = (outcome as BackfillFailed)?.Refusal.Details },
            ct).ConfigureAwait(false);
        if (outcome is BackfillCompleted) await AnalyzeAsync(request, ct).ConfigureAwait(false);
        progress?.Report(run.Snapshot(outcome.State, reason));
        return outcome;
    }

    /// <summary>
    /// ANALYZE takes SHARE UPDATE EXCLUSIVE, so it is declared: the runner then sees (and names) an autovacuum on the
    /// table, and queues so autovacuum yields instead of failing every short attempt behind it.
    /// </summary>
    private Task AnalyzeAsync(BackfillRequest request, CancellationToken ct) => request.Options.AnalyzeWhenDone
        ? _sql.ExecuteDdlAsync(DdlStatement.On(request.Target.Table, LockMode.ShareUpdateExclusive, $"ANALYZE {request.Target.Table.Sql}"), ct)
        : Task.CompletedTask;

    /// <summary>Where a migration's backfill stands, read from the journal (for <c>switchyard status</c>); null when it never started.</summary>
    public Task<BackfillProgress?> ReadProgressAsync(string migration, CancellationToken ct) => BackfillProgressReader.ReadAsync(_sql, migration, ct);
}
