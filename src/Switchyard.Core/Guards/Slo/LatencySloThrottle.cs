using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Switchyard.Core.Backfill;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Guards.Slo;

/// <summary>
/// Runs the backfill as fast as the foreground p99 allows: measures a baseline before the first batch, then every
/// <see cref="LatencySloOptions.SampleInterval"/> feeds the p99 to an <see cref="AimdRateController"/> and holds the
/// batches to the rate it allows (or pauses them). As a throttle it composes with the guards: the strictest wins.
/// Journals each change of decision kind (slow, pause, resume, speed up) with its values, not every sample.
/// </summary>
public sealed partial class LatencySloThrottle : IBackfillThrottle, IBatchTimeAdvisor, IForegroundBaseline
{
    public const string Source = "latency_slo";

    private readonly IForegroundLatency _latency;
    private readonly LatencySloOptions _options;
    private readonly GuardJournal? _journal;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AimdRateController? _controller;
    private long _sampledAt;
    private long _rowsAtSample;
    private long _anchorAt;
    private long _rowsAtAnchor;
    private string? _unreadable;
    private readonly Dictionary<int, double> _reserved = [];
    private long _rowsSeen;
    private double _batchRows;
    private string? _lastJournaled;

    public LatencySloThrottle(IForegroundLatency latency, LatencySloOptions options, GuardJournal? journal, TimeProvider? time = null, ILogger<LatencySloThrottle>? logger = null)
    {
        options.Validate();
        _latency = latency;
        _options = options;
        _journal = journal;
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// The controller on the primary's foreground latency (the applications' feed when they publish one, else the canary
    /// probe, per <see cref="LatencySloOptions.Source"/>), journaling to the primary; creates the canary table when missing.
    /// </summary>
    public static async Task<LatencySloThrottle> CreateAsync(NpgsqlDataSource primary, LatencySloOptions options, CancellationToken ct,
        TimeProvider? time = null, ILoggerFactory? loggers = null)
    {
        options.Validate();
        time ??= TimeProvider.System;
        var writer = new SafeSqlRunner(primary, time: time);
        await CanarySchema.EnsureAsync(writer, ct).ConfigureAwait(false);
        var latency = new ForegroundLatencySource(options.Source, new AppLatencyFeed(primary, options.App, time), new CanaryProbeSignal(primary, options.Canary, time));
        return new LatencySloThrottle(latency, options, new GuardJournal(writer), time, loggers?.CreateLogger<LatencySloThrottle>());
    }

    /// <summary>The last sample's decision (values, state, allowed rate); null before the first one.</summary>
    public SloDecision? Last { get; private set; }

    /// <summary>
    /// While the rate is limited or paused, batches aim at <see cref="LatencySloOptions.LimitedBatchTime"/>: the same rows/s
    /// in shorter bursts, so a payment that arrives during one waits behind less work (and less WAL to flush before its commit).
    /// </summary>
    public TimeSpan? TargetBatchTime => Last is { State: not SloState.Unlimited } ? _options.LimitedBatchTime : null;

    /// <summary>One line for progress output: "SLO 7.5 ms, p99 3.1 ms, budget 12% spent, rate no limit".</summary>
    public string Describe() => _unreadable is { } u ? "latency SLO: " + u
        : Last is { } d ? FormattableString.Invariant($"SLO {d.SloMs:0.0#} ms, p99 {d.P99Ms:0.0#} ms{(d.ErrorBudgetSpent is { } b ? $", budget {b * 100:0}% spent" : "")}, rate {d.RateText}")
        : "latency SLO: measuring baseline";

    /// <summary>Measures the baseline now (otherwise the first batch does): call before the backfill generates load.</summary>
    public async Task<double> CaptureBaselineAsync(string? migration, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return (await ControllerAsync(migration, ct).ConfigureAwait(false)).BaselineMs;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Takes the baseline now when it can; when it cannot (no feed yet), the first batch waits for one, saying why.</summary>
    public async Task MeasureBaselineAsync(string migration, CancellationToken ct)
    {
        try
        {
            await CaptureBaselineAsync(migration, ct).ConfigureAwait(false);
        }
        catch (LatencyUnavailableException)
        {
        }
    }

    public async ValueTask<ThrottleDecision> BeforeBatchAsync(BatchContext batch, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            AimdRateController controller;
            try
            {
                controller = await ControllerAsync(batch.Migration, ct).ConfigureAwait(false);
            }
            catch (LatencyUnavailableException e)
            {
                // No baseline yet (e.g. no application published its latency): wait for one rather than run blind.
                _unreadable = $"no baseline from {_latency.Name}: {e.Message}";
                var data = new SloDecision(SloState.Paused, SloChange.Pause, double.NaN, double.NaN, double.NaN, 0, _unreadable);
                var failed = await JournalAsync(batch.Migration, "no-baseline", "latency SLO pause: " + _unreadable, data, ct).ConfigureAwait(false);
                return new ThrottleDecision(ThrottleAction.Pause, _options.SampleInterval, failed ?? _unreadable, Source);
            }
            var now = _time.GetTimestamp();
            if (_sampledAt == 0 || _time.GetElapsedTime(_sampledAt, now) >= _options.SampleInterval)
            {
                var journalFailed = await SampleAsync(controller, batch, ct).ConfigureAwait(false);
                if (journalFailed is not null) return new ThrottleDecision(ThrottleAction.Pause, _options.SampleInterval, journalFailed, Source);
            }
            return Enforce(batch);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<AimdRateController> ControllerAsync(string? migration, CancellationToken ct)
    {
        if (_controller is not null) return _controller;
        var baseline = await _latency.BaselineAsync(migration, ct).ConfigureAwait(false);
        _controller = new AimdRateController(baseline.P99Ms, _options);
        var message = FormattableString.Invariant(
            $"latency SLO {_controller.SloMs:0.0##} ms ({_options.Target}) over a baseline p99 of {baseline.P99Ms:0.0##} ms ({_latency.Name}, {baseline.Window}): {(_controller.AllowedRowsPerSecond is { } start ? "backfill starts at " + start.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " rows/s and doubles while p99 stays under it" : "backfill runs without a limit while p99 stays under it")}");
        await JournalAsync(migration, "baseline", message, new SloDecision(SloState.Unlimited, SloChange.Hold, baseline.P99Ms, _controller.SloMs, baseline.P99Ms, null, message), ct, baseline.Window).ConfigureAwait(false);
        LogBaseline(_logger, message);
        return _controller;
    }

    /// <summary>Reads the p99, moves the controller, journals a change of kind; returns why it could not journal, else null.</summary>
    private async Task<string?> SampleAsync(AimdRateController controller, BatchContext batch, CancellationToken ct)
    {
        var now = _time.GetTimestamp();
        var seconds = _sampledAt == 0 ? 0 : _time.GetElapsedTime(_sampledAt, now).TotalSeconds;
        var observed = seconds > 0 ? Math.Max(0, batch.RowsDone - _rowsAtSample) / seconds : 0;
        LatencySample sample;
        try
        {
            sample = await _latency.RecentAsync(controller.SloMs, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SqlFailedException or NpgsqlException or TimeoutException or LatencyUnavailableException)
        {
            // Fail closed, like the guards: a latency we cannot measure is not a latency within the SLO.
            _sampledAt = _time.GetTimestamp();
            _unreadable = $"cannot measure {_latency.Name} latency: {e.Message.Split('\n')[0]}";
            var data = new SloDecision(SloState.Paused, SloChange.Pause, double.NaN, controller.SloMs, controller.BaselineMs, 0, _unreadable);
            return await JournalAsync(batch.Migration, "unreadable", "latency SLO pause: " + _unreadable, data, ct).ConfigureAwait(false);
        }
        var wasUnreadable = _unreadable is not null;
        _unreadable = null;
        var before = controller.AllowedRowsPerSecond;
        var decision = controller.Observe(sample, observed);
        _sampledAt = _time.GetTimestamp();
        _rowsAtSample = batch.RowsDone;
        if (_anchorAt == 0 || decision.AllowedRowsPerSecond != before)
        {
            // A new rate starts its own budget: rows done at the old rate do not count against it. The first sample
            // anchors the start rate too, or the slow start would allow all the rows since the clock's zero.
            _anchorAt = _sampledAt;
            _rowsAtAnchor = batch.RowsDone;
        }
        Last = decision;
        SwitchyardMetrics.RecordSlo(batch.Migration, decision);
        if (decision.Change == SloChange.Hold && wasUnreadable)
            decision = decision with { Change = SloChange.Resume, Reason = $"{_latency.Name} readable again; {decision.Reason}" };
        if (decision.Change == SloChange.Hold) return null;
        var kind = JournalKind(decision);
        var message = $"latency SLO {Action(decision.Change)}: {decision.Reason}";
        // Slowing down and speeding up is the controller doing its job (the progress line shows the rate); only a
        // pause, where the backfill stops, is a warning.
        if (decision.Change == SloChange.Pause) LogPause(_logger, message);
        else LogDecision(_logger, message);
        return await JournalAsync(batch.Migration, kind, message, decision, ct).ConfigureAwait(false);
    }

    private ThrottleDecision Enforce(BatchContext batch)
    {
        // A worker asking again has finished its last batch: its rows are in RowsDone now, not reserved.
        _reserved.Remove(batch.Worker);
        if (batch.RowsDone > _rowsSeen)
        {
            var finished = batch.RowsDone - _rowsSeen;
            _batchRows = _batchRows == 0 ? finished : (0.7 * _batchRows) + (0.3 * finished);
            _rowsSeen = batch.RowsDone;
        }
        if (_unreadable is { } why) return new ThrottleDecision(ThrottleAction.Pause, _options.SampleInterval, why, Source);
        if (Last is not { } d || d.State == SloState.Unlimited || d.AllowedRowsPerSecond is not { } rate) return ThrottleDecision.Proceed;
        if (d.State == SloState.Paused) return new ThrottleDecision(ThrottleAction.Pause, _options.SampleInterval, d.Reason, Source);
        // Batches other workers have started count against the budget too, so under a limit the workers take turns
        // instead of running their batches at once: a payment then shares the machine with one batch, not with all.
        var allowed = _time.GetElapsedTime(_anchorAt).TotalSeconds * rate;
        var ahead = batch.RowsDone + _reserved.Values.Sum() - _rowsAtAnchor - allowed;
        if (-ahead > _batchRows)
        {
            // Time the batches did not use (a slow batch, a checkpoint, another guard's wait) is not banked for a burst at
            // full speed afterwards, which is what payments feel: the budget keeps at most one batch's rows of credit.
            _rowsAtAnchor -= (long)(-ahead - _batchRows);
            ahead = -_batchRows;
        }
        _reserved[batch.Worker] = _batchRows;
        return ahead <= 0 ? ThrottleDecision.Proceed
            : new ThrottleDecision(ThrottleAction.Slow, TimeSpan.FromSeconds(ahead / rate), d.Reason, Source);
    }

    /// <summary>
    /// Decisions of one kind in a row share a journal entry: the kind of change and the state it leads to, so a run of
    /// halvings or of climbs is one entry and lifting the limit another. A rebase moves the SLO itself: each baseline it
    /// sets is its own kind, so a re-measure followed by the first baseline's restore is two entries.
    /// </summary>
    internal static string JournalKind(SloDecision decision) => decision.Change == SloChange.Rebase
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{decision.Change}:{decision.BaselineMs}")
        : $"{decision.Change}:{decision.State}";

    /// <summary>Writes the decision once per change of kind; returns why it could not, else null.</summary>
    private async Task<string?> JournalAsync(string? migration, string kind, string message, SloDecision d, CancellationToken ct, string? baselineWindow = null)
    {
        if (_journal is null || _lastJournaled == kind) return null;
        try
        {
            await _journal.WriteAsync(migration, message, new
            {
                action = Action(d.Change, kind),
                source = Source,
                reason = d.Reason,
                state = d.State.ToString().ToLowerInvariant(),
                p99_ms = d.P99Ms,
                slo_ms = d.SloMs,
                baseline_ms = d.BaselineMs,
                slo = _options.Target.ToString(),
                allowed_rows_per_second = d.AllowedRowsPerSecond,
                error_budget_spent = d.ErrorBudgetSpent,
                latency = _latency.Name,
                baseline_window = baselineWindow,
            }, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SqlFailedException or NpgsqlException)
        {
            return $"cannot journal latency SLO decision: {e.Message.Split('\n')[0]}";
        }
        _lastJournaled = kind;
        return null;
    }

    private static string Action(SloChange change, string? kind = null) => kind == "baseline" ? "baseline" : change switch
    {
        SloChange.Slow => "slow",
        SloChange.Pause => "pause",
        SloChange.Resume => "resume",
        SloChange.SpeedUp => "speed_up",
        SloChange.Rebase => "rebase",
        _ => "proceed",
    };

    [LoggerMessage(EventId = 6010, Level = LogLevel.Information, Message = "{Message}")]
    private static partial void LogBaseline(ILogger logger, string message);

    [LoggerMessage(EventId = 6011, Level = LogLevel.Information, Message = "{Message}")]
    private static partial void LogDecision(ILogger logger, string message);

    [LoggerMessage(EventId = 6012, Level = LogLevel.Warning, Message = "{Message}")]
    private static partial void LogPause(ILogger logger, string message);
}
