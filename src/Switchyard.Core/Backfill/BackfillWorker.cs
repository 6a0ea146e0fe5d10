using Npgsql;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Backfill;

/// <summary>
/// Works one range from its committed cursor to its end, one short transaction per batch: throttles first, then the
/// batch with SET LOCAL timeouts and the trigger told to stand aside; splits on statement timeout, retries transient
/// failures with backoff, and stops the run (Paused) when retries run out.
/// </summary>
internal sealed class BackfillWorker
{
    private readonly BackfillContext _ctx;
    private readonly BackfillRange _range;
    private readonly BatchSizer _sizer;

    public BackfillWorker(BackfillContext ctx, BackfillRange range)
    {
        _ctx = ctx;
        _range = range;
        _sizer = new BatchSizer(ctx.Options);
    }

    public async Task RunAsync(CancellationToken ct)
    {
        var run = _ctx.Run;
        var options = _ctx.Options;
        var schedule = new HotPassSchedule(_range.Next, _range.To, _ctx.Passes, options.HotLagWindows);
        while (!schedule.Done && !run.Stopping)
        {
            if (!await PassThrottlesAsync(ct).ConfigureAwait(false)) return;
            var done = await BatchWithRetriesAsync(schedule.Next(_sizer.Keys), ct).ConfigureAwait(false);
            if (done is null) return;
            schedule.Committed(done);
        }
    }

    private async Task<BatchWindows?> BatchWithRetriesAsync(BatchWindows batch, CancellationToken ct)
    {
        var run = _ctx.Run;
        var attempt = 0;
        var handled = 0;
        using var activity = BackfillActivities.StartBatch(_ctx.Request.MigrationName, _range.RangeNo);
        while (true)
        {
            var started = _ctx.Time.GetTimestamp();
            try
            {
                var rows = await BatchAsync(batch, ct).ConfigureAwait(false);
                var elapsed = _ctx.Time.GetElapsedTime(started);
                var width = Math.Max(batch.Trail.Width, batch.Lead.Width);
                _sizer.Observe(width, elapsed, _ctx.AdvisedBatchTime);
                run.Committed(_range.RangeNo, batch.Trail.From, batch.Trail.To, rows, width, elapsed, _sizer.Keys);
                Guards.SwitchyardMetrics.RecordBatch(_ctx.Request.MigrationName, rows, elapsed);
                BackfillActivities.Committed(activity, batch.Span.From, batch.Span.To, rows, attempt + 1);
                _ctx.Report();
                return batch;
            }
            catch (SqlFailedException e) when (e.InnerException is { } inner && TransientErrors.IsStatementTimeout(inner) && batch.Split(_ctx.Options.MinBatchKeys) is { } smaller)
            {
                _sizer.Split();
                batch = smaller;
                run.SplitBatch();
            }
            catch (SqlFailedException e) when (e.SqlState is { } state && _ctx.Failures is { } failures && failures.Handles(state))
            {
                // An error the target raises on purpose: it fixes the cause and runs the batch again, or stops the run.
                var failure = new BatchFailure(batch.Span.From, batch.Span.To, run.Plan.MinKey, run.Plan.MaxKey, handled++);
                if (await failures.HandleAsync(failure, ct).ConfigureAwait(false) is BatchFailureAction.StopRun stop)
                {
                    BackfillActivities.Stopped(activity, stop.Refusal.Reason);
                    run.Stop(new BackfillFailed(stop.Refusal, BackfillStats.Empty));
                    return null;
                }
            }
            catch (SqlFailedException e) when (e.InnerException is { } inner && (TransientErrors.IsTransient(inner) || TransientErrors.IsStatementTimeout(inner)))
            {
                attempt++;
                if (attempt >= _ctx.Options.MaxAttempts || run.Stopping)
                {
                    var reason = $"range {_range.RangeNo}: batch of keys [{batch.Span.From}, {batch.Span.To}) failed {attempt} time(s), last: {inner.Message}. " +
                                 "Committed batches are kept; fix the cause and run the backfill again to resume from the cursors.";
                    BackfillActivities.Stopped(activity, reason);
                    run.Stop(new BackfillPaused(reason, BackfillStats.Empty));
                    return null;
                }
                run.Retried();
                _ctx.LogRetry(_range.RangeNo, batch.Span.From, batch.Span.To, attempt, inner.Message);
                await Task.Delay(Backoff(attempt), _ctx.Time, ct).ConfigureAwait(false);
            }
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var o = _ctx.Options;
        var ms = Math.Min(o.RetryMaxDelay.TotalMilliseconds, o.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
        return TimeSpan.FromMilliseconds(ms * (0.5 + Random.Shared.NextDouble()));
    }

    private Task<long> BatchAsync(BatchWindows windows, CancellationToken ct) =>
        _ctx.BatchSql.InTransactionAsync(async (c, tx, token) =>
        {
            var (trail, lead) = (windows.Trail, windows.Lead);
            var table = _range.Partition is { } partition ? partition.Sql : _ctx.Target.Table.Sql;
            // The dual-write trigger returns NEW untouched for this role: a normalization batch computes the value
            // itself. A unit's touch batch leaves the role alone, since its trigger is what fills the row. No JIT: a
            // batch touches a few thousand rows, but near a range's end (empty lead window) the planner
            // overestimates it past jit_above_cost and compiled every batch: 0.4 s on an idle box, over the statement
            // timeout on a loaded one (a 1M-row run stopped on a 23-key batch that failed 8 times).
            var settings = new NpgsqlBatchCommand(SessionSettingsSql);
            var earlierRows = 0L;
            if (EarlyPasses(windows, table) is { Count: > 0 } passes)
            {
                // The early passes first, newest window first, in one round trip; their row counts go into the journal with the trail's.
                await using var early = new NpgsqlBatch(c, tx);
                early.BatchCommands.Add(settings);
                foreach (var pass in passes) early.BatchCommands.Add(pass);
                await early.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                earlierRows = passes.Sum(p => (long)p.RecordsAffected);
                settings = null;
            }
            await using var batch = new NpgsqlBatch(c, tx);
            if (settings is not null) batch.BatchCommands.Add(settings);
            var update = new NpgsqlBatchCommand(_ctx.Statements.BatchSqlFor(table));
            update.Parameters.Add(new NpgsqlParameter { Value = trail.From });
            update.Parameters.Add(new NpgsqlParameter { Value = trail.To });
            update.Parameters.Add(new NpgsqlParameter { Value = _ctx.Run.JournalKey });
            update.Parameters.Add(new NpgsqlParameter { Value = _range.RangeNo });
            update.Parameters.Add(new NpgsqlParameter { Value = _ctx.Run.Plan.RunNo });
            update.Parameters.Add(new NpgsqlParameter { Value = lead.From });
            update.Parameters.Add(new NpgsqlParameter { Value = lead.To });
            foreach (var p in _ctx.Statements.BatchParameters) update.Parameters.Add(p.Clone());
            if (_ctx.Statements.PassSqlFor(table) is not null) update.Parameters.Add(new NpgsqlParameter { Value = earlierRows });
            batch.BatchCommands.Add(update);
            await using var reader = await batch.ExecuteReaderAsync(token).ConfigureAwait(false);
            if (settings is not null) await reader.NextResultAsync(token).ConfigureAwait(false);
            if (!await reader.ReadAsync(token).ConfigureAwait(false))
            {
                // The cursor is not where this worker left it: another process moved it. Roll back rather than race.
                throw new SwitchyardException($"the cursor of range {_range.RangeNo} of '{_ctx.Run.JournalKey}' moved under this process.",
                    "Only one backfill may run per migration; check for another switchyard process.");
            }
            return reader.GetInt64(0);
        }, ct, new TransactionTimeouts(_ctx.Options.LockTimeout, _ctx.Options.StatementTimeout), $"backfill batch range {_range.RangeNo} trail [{windows.Trail.From}, {windows.Trail.To}) lead [{windows.Lead.From}, {windows.Lead.To})");

    /// <summary>The lead's first pass and the early passes of the windows in between, newest window first; none for a kind without them.</summary>
    private List<NpgsqlBatchCommand> EarlyPasses(BatchWindows windows, string table)
    {
        if (_ctx.Statements.PassSqlFor(table) is not { } sql) return [];
        var passes = new List<NpgsqlBatchCommand>();
        foreach (var pass in windows.Passes.Prepend(new PassWindow(windows.Lead, 0)).Where(p => !p.Window.IsEmpty).OrderBy(p => p.Residue))
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.Add(new NpgsqlParameter { Value = pass.Window.From });
            command.Parameters.Add(new NpgsqlParameter { Value = pass.Window.To });
            command.Parameters.Add(new NpgsqlParameter { Value = (long)_ctx.Passes });
            command.Parameters.Add(new NpgsqlParameter { Value = (long)pass.Residue });
            foreach (var p in _ctx.Statements.BatchParameters) command.Parameters.Add(p.Clone());
            passes.Add(command);
        }
        return passes;
    }

    /// <summary>
    /// The batch transaction's settings, all SET LOCAL. With <see cref="BackfillContext.ForeignKeyChecks"/> deferred,
    /// <c>session_replication_role = replica</c> skips the per-row check of the NOT VALID foreign key on the filled
    /// column (Validate's VALIDATE CONSTRAINT proves every row); the run checked that no other trigger or rule would be skipped.
    /// </summary>
    private string SessionSettingsSql =>
        !_ctx.Statements.TriggerStandsAside ? "SELECT set_config('jit', 'off', true)"
        : _ctx.ForeignKeyChecks.Deferred ? "SELECT set_config('switchyard.role', 'backfill', true), set_config('jit', 'off', true), set_config('session_replication_role', 'replica', true)"
        : "SELECT set_config('switchyard.role', 'backfill', true), set_config('jit', 'off', true)";

    /// <summary>Asks every throttle; holds while one says Pause; false when the run must stop.</summary>
    private async Task<bool> PassThrottlesAsync(CancellationToken ct)
    {
        var run = _ctx.Run;
        string? pausedFor = null;
        while (true)
        {
            if (run.Stopping) return false;
            var context = new BatchContext(run.Migration, _range.RangeNo, run.RowsDone, run.Plan.RowsEstimated, run.RowsPerSecond);
            ThrottleDecision? pause = null;
            var slow = TimeSpan.Zero;
            foreach (var throttle in _ctx.Throttles)
            {
                var d = await throttle.BeforeBatchAsync(context, ct).ConfigureAwait(false);
                switch (d.Action)
                {
                    case ThrottleAction.Abort:
                        run.Stop(new BackfillAborted(d.Reason ?? $"aborted by {d.Source}", BackfillStats.Empty));
                        return false;
                    case ThrottleAction.Pause:
                        pause ??= d;
                        break;
                    case ThrottleAction.Slow when d.Delay > slow:
                        slow = d.Delay;
                        break;
                }
            }
            if (pause is not null)
            {
                var reason = pause.Reason ?? $"paused by {pause.Source}";
                if (pausedFor != reason)
                {
                    pausedFor = reason;
                    await _ctx.WorkerPausedAsync(_range.RangeNo, reason, ct).ConfigureAwait(false);
                }
                run.ThrottleWaited();
                await Task.Delay(pause.Delay > TimeSpan.Zero ? pause.Delay : _ctx.Options.PausePollInterval, _ctx.Time, ct).ConfigureAwait(false);
                continue;
            }
            if (pausedFor is not null) await _ctx.WorkerResumedAsync(_range.RangeNo, ct).ConfigureAwait(false);
            if (slow > TimeSpan.Zero)
            {
                run.ThrottleWaited();
                await Task.Delay(slow, _ctx.Time, ct).ConfigureAwait(false);
            }
            return true;
        }
    }
}
