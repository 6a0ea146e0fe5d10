using Microsoft.Extensions.Logging;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations;

namespace Switchyard.Core.Backfill;

/// <summary>What the workers of one run share besides counters: SQL, throttles, journal writes and progress reporting.</summary>
internal sealed partial class BackfillContext
{
    private readonly BackfillStore _store;
    private readonly SafeSqlRunner _sql;
    private readonly IProgress<BackfillProgress>? _progress;
    private readonly ILogger _logger;
    private long _lastReport;

    public BackfillContext(BackfillRequest request, BackfillRun run, PreparedBatch prepared, SafeSqlRunner sql, SafeSqlRunner batchSql,
        IReadOnlyList<IBackfillThrottle> throttles, IProgress<BackfillProgress>? progress, ILogger logger, TimeProvider time)
    {
        Request = request;
        Run = run;
        Statements = prepared.Batch;
        ForeignKeyChecks = prepared.ForeignKeyChecks;
        Failures = prepared.Failures;
        _sql = sql;
        BatchSql = batchSql;
        Throttles = throttles;
        _progress = progress;
        _logger = logger;
        Time = time;
        _store = new BackfillStore(sql);
    }

    public BackfillRequest Request { get; }
    public BackfillOptions Options => Request.Options;
    public IBackfillTarget Target => Request.Target;

    public BackfillRun Run { get; }
    public IBackfillBatch Statements { get; }

    /// <summary>Whether batches skip the per-row foreign key check, and why (journaled when the run starts).</summary>
    public ForeignKeyCheckMode ForeignKeyChecks { get; }

    /// <summary>The target's handling of errors its batch raises on purpose; null when it raises none.</summary>
    public IBatchFailureHandler? Failures { get; }

    /// <summary>Visits per key window (<see cref="HotPassSchedule"/>); 1 when the passes are off.</summary>
    public int Passes => Options.HotLagWindows == 0 ? 1 : Options.HotPasses;

    /// <summary>The runner for batches: one attempt each, since the worker owns retry, split and pause decisions.</summary>
    public SafeSqlRunner BatchSql { get; }
    public IReadOnlyList<IBackfillThrottle> Throttles { get; }

    /// <summary>The shortest batch time a throttle asks for now (e.g. the latency SLO while it limits the rate); null: none does.</summary>
    public TimeSpan? AdvisedBatchTime => Throttles.OfType<IBatchTimeAdvisor>().Select(a => a.TargetBatchTime).Where(t => t is not null).Min();
    public TimeProvider Time { get; }

    /// <summary>Reports progress at most every 250 ms (and always at the end, from the runner).</summary>
    public void Report(bool force = false)
    {
        if (_progress is null) return;
        var now = Time.GetTimestamp();
        var last = Interlocked.Read(ref _lastReport);
        if (!force && last != 0 && Time.GetElapsedTime(last, now) < TimeSpan.FromMilliseconds(250)) return;
        if (!force && Interlocked.CompareExchange(ref _lastReport, now, last) != last) return;
        Interlocked.Exchange(ref _lastReport, now);
        _progress.Report(Run.Snapshot(Run.Stopping ? "stopping" : "running", null));
    }

    public async Task WorkerPausedAsync(int range, string reason, CancellationToken ct)
    {
        Run.WorkerState(range, "paused");
        await _store.SetRangeStateAsync(Run.JournalKey, range, "paused", ct).ConfigureAwait(false);
        await _store.SetRunStateAsync(Run.JournalKey, "paused", reason, ct).ConfigureAwait(false);
        LogPaused(_logger, range, reason);
        _progress?.Report(Run.Snapshot("paused", reason));
    }

    public async Task WorkerResumedAsync(int range, CancellationToken ct)
    {
        Run.WorkerState(range, "running");
        await _store.SetRangeStateAsync(Run.JournalKey, range, "running", ct).ConfigureAwait(false);
        await _store.SetRunStateAsync(Run.JournalKey, "running", null, ct).ConfigureAwait(false);
    }

    public void LogRetry(int range, long from, long to, int attempt, string reason) => LogBatchRetry(_logger, range, from, to, attempt, Options.MaxAttempts, reason);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Backfill range {Range} batch [{From}, {To}) attempt {Attempt}/{Max} failed ({Reason}); retrying")]
    private static partial void LogBatchRetry(ILogger logger, int range, long from, long to, int attempt, int max, string reason);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Backfill range {Range} paused: {Reason}")]
    private static partial void LogPaused(ILogger logger, int range, string reason);
}
