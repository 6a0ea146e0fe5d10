using Npgsql;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations;

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
        var lag = _ctx.Options.HotLagWindows;
        var cursor = _range.Next;   // every key below is complete, committed with the last batch
        var lead = cursor;          // every key below has had its first pass
        var pending = new List<Window>(); // first pass done, completion pending; contiguous from the cursor
        while (cursor < _range.To && !run.Stopping)
        {
            if (!await PassThrottlesAsync(ct).ConfigureAwait(false)) return;
            var leadWindow = lag > 0 && lead < _range.To ? new Window(lead, Math.Min(_range.To, lead + _sizer.Keys)) : new Window(lead, lead);
            var trail = lag == 0 ? new Window(cursor, Math.Min(_range.To, cursor + _sizer.Keys))
                : pending.Count > 0 && (pending.Count >= lag || leadWindow.IsEmpty) ? pending[0]
                : new Window(cursor, cursor);
            var done = await BatchWithRetriesAsync(trail, leadWindow, ct).ConfigureAwait(false);
            if (done is not { } d) return;
            if (!d.Trail.IsEmpty)
            {
                cursor = d.Trail.To;
                if (lag > 0)
                {
                    if (pending[0].To == d.Trail.To) pending.RemoveAt(0);
                    else pending[0] = new Window(d.Trail.To, pending[0].To);
                }
            }
            if (!d.Lead.IsEmpty)
            {
                pending.Add(d.Lead);
                lead = d.Lead.To;
            }
        }
    }

    /// <summary>A half-open key window [From, To).</summary>
    private readonly record struct Window(long From, long To)
    {
        public bool IsEmpty => To <= From;
        public long Width => Math.Max(0, To - From);
    }

    private async Task<(Window Trail, Window Lead, long Rows)?> BatchWithRetriesAsync(Window trail, Window lead, CancellationToken ct)
    {
        var run = _ctx.Run;
        var attempt = 0;
        var addedCodes = false;
        using var activity = BackfillActivities.StartBatch(_ctx.Request.MigrationName, _range.RangeNo);
        while (true)
        {
            var started = _ctx.Time.GetTimestamp();
            try
            {
                var rows = await BatchAsync(trail, lead, ct).ConfigureAwait(false);
                var elapsed = _ctx.Time.GetElapsedTime(started);
                var width = Math.Max(trail.Width, lead.Width);
                _sizer.Observe(width, elapsed);
                run.Committed(_range.RangeNo, trail.From, trail.To, rows, width, elapsed, _sizer.Keys);
                Guards.SwitchyardMetrics.RecordBatch(_ctx.Request.MigrationName, rows, elapsed);
                BackfillActivities.Committed(activity, Math.Min(trail.IsEmpty ? lead.From : trail.From, lead.IsEmpty ? trail.From : lead.From), Math.Max(trail.To, lead.To), rows, attempt + 1);
                _ctx.Report();
                return (trail, lead, rows);
            }
            catch (SqlFailedException e) when (e.InnerException is { } inner && TransientErrors.IsStatementTimeout(inner) && Split(ref trail, ref lead))
            {
                run.SplitBatch();
            }
            catch (SqlFailedException e) when (e.SqlState == BackfillSchema.UnmappedSqlState && _ctx.Target is NormalizationTarget)
            {
                var (from, to) = (Math.Min(trail.IsEmpty ? lead.From : trail.From, lead.IsEmpty ? trail.From : lead.From), Math.Max(trail.To, lead.To));
                if (_ctx.Normalization.Unmapped.Action == UnmappedAction.AddToLookup && !addedCodes)
                {
                    // A value written after the pre-flight: add its code, then the same batch again.
                    addedCodes = true;
                    await _ctx.AddMissingCodesAsync(from, to, ct).ConfigureAwait(false);
                    continue;
                }
                var report = await _ctx.UnmappedReportAsync(from, to, ct).ConfigureAwait(false);
                BackfillActivities.Stopped(activity, report.ToString());
                run.Stop(new BackfillFailed(report, BackfillStats.Empty));
                return null;
            }
            catch (SqlFailedException e) when (e.InnerException is { } inner && (TransientErrors.IsTransient(inner) || TransientErrors.IsStatementTimeout(inner)))
            {
                attempt++;
                if (attempt >= _ctx.Options.MaxAttempts || run.Stopping)
                {
                    var reason = $"range {_range.RangeNo}: batch of keys [{trail.From}, {Math.Max(trail.To, lead.To)}) failed {attempt} time(s), last: {inner.Message}. " +
                                 "Committed batches are kept; fix the cause and run the backfill again to resume from the cursors.";
                    BackfillActivities.Stopped(activity, reason);
                    run.Stop(new BackfillPaused(reason, BackfillStats.Empty));
                    return null;
                }
                run.Retried();
                _ctx.LogRetry(_range.RangeNo, trail.From, Math.Max(trail.To, lead.To), attempt, inner.Message);
                await Task.Delay(Backoff(attempt), _ctx.Time, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A statement timeout: halve the lead window first, then the trail; false when both are at the minimum.</summary>
    private bool Split(ref Window trail, ref Window lead)
    {
        var min = _ctx.Options.MinBatchKeys;
        if (lead.Width > min)
        {
            _sizer.Split();
            lead = new Window(lead.From, lead.From + Math.Max(min, lead.Width / 2));
            return true;
        }
        if (trail.Width > min)
        {
            _sizer.Split();
            trail = new Window(trail.From, trail.From + Math.Max(min, trail.Width / 2));
            return true;
        }
        return false;
    }

    private TimeSpan Backoff(int attempt)
    {
        var o = _ctx.Options;
        var ms = Math.Min(o.RetryMaxDelay.TotalMilliseconds, o.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
        return TimeSpan.FromMilliseconds(ms * (0.5 + Random.Shared.NextDouble()));
    }

    private Task<long> BatchAsync(Window trail, Window lead, CancellationToken ct) =>
        _ctx.BatchSql.InTransactionAsync(async (c, tx, token) =>
        {
            await using var batch = new NpgsqlBatch(c, tx);
            // The dual-write trigger returns NEW untouched for this role: a normalization batch computes the value
            // itself. A unit's touch batch leaves the role alone, since its trigger is what fills the row. No JIT: a batch touches a few thousand rows, but near a range's end (empty lead window) the planner
            // overestimates it past jit_above_cost and compiled every batch: 0.4 s on an idle box, over the statement
            // timeout on a loaded one (a 1M-row run stopped on a 23-key batch that failed 8 times).
            batch.BatchCommands.Add(new NpgsqlBatchCommand(_ctx.Statements.TriggerStandsAside
                ? "SELECT set_config('switchyard.role', 'backfill', true), set_config('jit', 'off', true)"
                : "SELECT set_config('jit', 'off', true)"));
            var update = new NpgsqlBatchCommand(_ctx.Statements.BatchSqlFor(_range.Partition is { } partition ? partition.Sql : _ctx.Target.Table.Sql));
            update.Parameters.Add(new NpgsqlParameter { Value = trail.From });
            update.Parameters.Add(new NpgsqlParameter { Value = trail.To });
            update.Parameters.Add(new NpgsqlParameter { Value = _ctx.Run.JournalKey });
            update.Parameters.Add(new NpgsqlParameter { Value = _range.RangeNo });
            update.Parameters.Add(new NpgsqlParameter { Value = _ctx.Run.Plan.RunNo });
            update.Parameters.Add(new NpgsqlParameter { Value = lead.From });
            update.Parameters.Add(new NpgsqlParameter { Value = lead.To });
            foreach (var p in _ctx.Statements.BatchParameters) update.Parameters.Add(p.Clone());
            batch.BatchCommands.Add(update);
            await using var reader = await batch.ExecuteReaderAsync(token).ConfigureAwait(false);
            await reader.NextResultAsync(token).ConfigureAwait(false);
            if (!await reader.ReadAsync(token).ConfigureAwait(false))
            {
                // The cursor is not where this worker left it: another process moved it. Roll back rather than race.
                throw new SwitchyardException($"the cursor of range {_range.RangeNo} of '{_ctx.Run.JournalKey}' moved under this process.",
                    "Only one backfill may run per migration; check for another switchyard process.");
            }
            return reader.GetInt64(0);
        }, ct, new TransactionTimeouts(_ctx.Options.LockTimeout, _ctx.Options.StatementTimeout), $"backfill batch range {_range.RangeNo} trail [{trail.From}, {trail.To}) lead [{lead.From}, {lead.To})");

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
