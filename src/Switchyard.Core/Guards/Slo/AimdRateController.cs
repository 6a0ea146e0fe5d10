using System.Globalization;

namespace Switchyard.Core.Guards.Slo;

/// <summary>
/// Drives the backfill's allowed rows/s from the foreground p99, one sample at a time, with no clock or I/O of its own.
/// <para>
/// Why AIMD (additive increase, multiplicative decrease, as TCP congestion control): it converges without a model of
/// the database (we cannot predict how many rows/s a given p99 costs), halving reacts within one sample to a breach
/// while the slow linear climb probes capacity gently, so the rate settles into a small saw-tooth just under the SLO
/// instead of oscillating. It is a single number with two rules, easy to journal and explain, and it composes with the
/// other guards: they can only make batches wait longer (the strictest throttle wins), which AIMD sees as lower
/// latency and answers with a slow climb, never a burst.
/// </para>
/// <para>
/// Two refinements, both because a p99 over the whole backfill counts every second spent over the SLO: a slow start
/// (begin at <see cref="LatencySloOptions.StartRowsPerSecond"/> and double per sample under the SLO, instead of a
/// first second at full speed with every worker), and a hold band (p99 above <see cref="LatencySloOptions.HoldAboveSloShare"/>
/// of the SLO keeps the rate rather than raising it), so the rate rests just under the SLO instead of crossing it on every climb.
/// </para>
/// <para>
/// Each raise waits for <see cref="LatencySloOptions.RaiseEverySamples"/> samples at the current rate (unless p99 is still
/// at the baseline: then even part of a sample at it cost nothing, and an idle host ramps up as fast as before), and is undone at
/// once when a sample over the SLO follows it within as many: the raise is the likeliest cause, and the rate before it
/// was just seen under the SLO. A short backfill's whole-phase p99 cannot afford the seconds a confirmed breach takes.
/// Each undone raise doubles the wait before the next one (up to <see cref="LatencySloOptions.MaxRaiseWaitSamples"/>), so
/// a rate that proved too fast is probed less and less often, as TCP backs off its retransmissions.
/// </para>
/// <para>
/// Every sample is steered under <see cref="LatencySloOptions.SteerAtSloShare"/> of the SLO (<see cref="SteerMs"/>): "over"
/// below means over that, except that a pause at <see cref="LatencySloOptions.PauseAtSloMultiple"/> is a multiple of the
/// SLO itself. The SLO is kept by the p99 of the whole backfill, which adds the seconds before each answer and the
/// foreground's own bursts to the samples; steered at the SLO itself, it ended just over it.
/// </para>
/// <para>
/// A lone sample over the SLO holds the rate; only <see cref="LatencySloOptions.ConfirmSamplesOver"/> in a row slow or
/// pause it. A second's p99 is its few slowest payments, and on a shared host those swing with everything else that
/// runs; a breach the backfill causes lasts as long as the backfill runs, so it is answered one sample later.
/// </para>
/// <para>
/// An error budget, because a p99 is judged over many seconds, not each one: at most 1% of the operations of the last
/// <see cref="LatencySloOptions.ErrorBudgetWindowSamples"/> samples may take longer than the SLO. Each sample adds its new
/// operations and how many were over; with half the budget spent the rate stops climbing, and with all of it spent the
/// rate is cut while the recent operations still spend it. A second under the SLO alone does not pay back a burst of slow
/// payments a moment before. The window is bounded so that a burst the backfill did not cause (a checkpoint, another
/// job) cannot hold the rate at its floor for the rest of the run: it leaves the window within a minute.
/// By default the budget is only measured (journaled, shown and exported); it takes part in the decision only when
/// <see cref="LatencySloOptions.ErrorBudgetDecides"/> is set, because on a noisy host such bursts kept even the
/// windowed budget overspent and held the backfill at its floor.
/// </para>
/// <para>
/// Attribution while paused: a pause is the one time the controller sees the foreground without the backfill. When the
/// median of the last <see cref="LatencySloOptions.RebaseAfterPausedSamples"/> paused or floor-rate samples (of the last
/// <see cref="LatencySloOptions.RebaseWindowSamples"/>, one pause or several) is over the SLO, the backfill is not what
/// holds it there: the baseline is re-measured from those samples (up to <see cref="LatencySloOptions.MaxBaselineRise"/>
/// times the first) and the backfill resumes, held to the same multiple of what the foreground does on its own. The first
/// baseline comes back on the same kind of evidence: the median of as many samples since, within the first SLO's hold band. Without
/// this a backfill sits paused, or at its floor rate, through every burst it did not cause.
/// </para>
/// </summary>
public sealed class AimdRateController
{
    private readonly LatencySloOptions _options;
    private int _samplesOver;
    private double _resumeRate;
    private bool _slowStart;
    private double _fastestSeen;
    /// <summary>Samples since the rate or state last moved.</summary>
    private int _samplesAtRate;
    /// <summary>The rate before the last move when that move was a raise: what a breach right after it goes back to.</summary>
    private double? _rateBeforeRaise;
    /// <summary>Samples the next raise waits for over the baseline: doubled by each raise undone, back to the default once one holds.</summary>
    private int _raiseWait;
    private readonly Queue<(long Operations, long OverSlo)> _budgetWindow = new();
    private long _operations;
    private long _overSlo;
    /// <summary>p99 of the recent samples taken while paused or at the floor rate (sample number, p99), over or under the SLO.</summary>
    private readonly Queue<(long Sample, double P99Ms)> _paused = new();
    private long _samples;
    /// <summary>
    /// p99 of the samples since the baseline was re-measured: the first one is restored when their median is within the
    /// hold band under the first SLO, not on one lucky sample (a bench run re-measured and restored within 9 s, then paused again).
    /// </summary>
    private readonly Queue<double> _sinceRebase = new();
    private readonly double _firstBaselineMs;
    private readonly double _firstSloMs;

    public AimdRateController(double baselineMs, LatencySloOptions options)
    {
        options.Validate();
        _options = options;
        BaselineMs = _firstBaselineMs = baselineMs;
        SloMs = _firstSloMs = options.Target.SloMs(baselineMs);
        // The start rate runs from the first batch, so the first sample is a full one at it.
        _samplesAtRate = options.RaiseEverySamples - 1;
        _raiseWait = options.RaiseEverySamples;
        if (options.StartRowsPerSecond is not { } start) return;
        State = SloState.Limited;
        AllowedRowsPerSecond = Math.Max(options.MinRowsPerSecond, start);
        _slowStart = true;
    }

    /// <summary>The baseline the SLO is over: the first one, or one re-measured while paused.</summary>
    public double BaselineMs { get; private set; }

    public double SloMs { get; private set; }

    /// <summary>What each sample's p99 is steered under: <see cref="LatencySloOptions.SteerAtSloShare"/> of the SLO.</summary>
    public double SteerMs => SloMs * _options.SteerAtSloShare;
    public SloState State { get; private set; } = SloState.Unlimited;

    /// <summary>null without a limit.</summary>
    public double? AllowedRowsPerSecond { get; private set; }

    /// <summary>The fastest rate seen while unlimited: above it a limit no longer holds anything back.</summary>
    public double CeilingRowsPerSecond { get; private set; }

    /// <summary>The share of the error budget spent over the window (1 = 1% of its operations over the SLO); null while it counts no operation.</summary>
    public double? ErrorBudgetSpent => _operations == 0 ? null : _overSlo / (_operations * AllowedShareOverSlo);

    /// <summary>The SLO is a p99: 1% of the operations may take longer.</summary>
    private const double AllowedShareOverSlo = 0.01;

    /// <summary>Feeds one p99 sample and the rows/s the backfill actually ran at since the last one.</summary>
    public SloDecision Observe(double p99Ms, double observedRowsPerSecond) => Observe(LatencySample.P99Only(p99Ms), observedRowsPerSecond);

    /// <summary>Feeds one sample (p99 and the operations it adds to the error budget) and the rows/s the backfill ran at since the last one.</summary>
    public SloDecision Observe(LatencySample sample, double observedRowsPerSecond)
    {
        _samples++;
        _samplesAtRate++;
        while (_paused.TryPeek(out var oldest) && _samples - oldest.Sample >= _options.RebaseWindowSamples) _paused.Dequeue();
        if (State == SloState.Paused || AtFloor) _paused.Enqueue((_samples, sample.P99Ms));
        if (BaselineMs != _firstBaselineMs)
        {
            _sinceRebase.Enqueue(sample.P99Ms);
            if (_sinceRebase.Count > Math.Max(1, _options.RebaseAfterPausedSamples)) _sinceRebase.Dequeue();
        }
        if (State == SloState.Unlimited) CeilingRowsPerSecond = Math.Max(CeilingRowsPerSecond, observedRowsPerSecond);
        _fastestSeen = Math.Max(_fastestSeen, observedRowsPerSecond);
        CountInBudget(sample);
        var p99Ms = sample.P99Ms;
        if (p99Ms <= SteerMs)
        {
            _samplesOver = 0;
            var restored = p99Ms <= _firstSloMs && BaselineMs != _firstBaselineMs && _sinceRebase.Count >= Math.Max(1, _options.RebaseAfterPausedSamples)
                && _sinceRebase.Order().ElementAt(_sinceRebase.Count / 2) <= _options.HoldAboveSloShare * _firstSloMs;
            if (restored)
            {
                (BaselineMs, SloMs) = (_firstBaselineMs, _firstSloMs);
                _sinceRebase.Clear();
            }
            var back = restored ? "back under the first SLO (the median of the samples since the re-measure within its hold band), first baseline restored; " : "";
            var spent = _options.ErrorBudgetDecides && _operations >= _options.ErrorBudgetMinOperations ? ErrorBudgetSpent ?? 0 : 0;
            var stillSpending = sample.Operations > 0 && sample.OverSlo > sample.Operations * AllowedShareOverSlo / 2;
            return State switch
            {
                SloState.Paused => Move(SloState.Limited, Math.Max(_options.MinRowsPerSecond, _resumeRate), restored ? SloChange.Rebase : SloChange.Resume, p99Ms, back + "back under the SLO"),
                _ when restored => Decide(SloChange.Rebase, p99Ms, back + "rate held"),
                _ when spent >= 1 && stillSpending => Cut(p99Ms, observedRowsPerSecond, "error budget spent"),
                SloState.Limited when spent >= _options.HoldAtErrorBudgetSpent => Decide(SloChange.Hold, p99Ms, "half the error budget spent, rate held"),
                SloState.Limited when p99Ms > _options.HoldAboveSloShare * SloMs => Decide(SloChange.Hold, p99Ms, "near the SLO, rate held"),
                SloState.Limited when _samplesAtRate < _raiseWait && p99Ms > BaselineMs => Decide(SloChange.Hold, p99Ms, RaiseWaitText()),
                SloState.Limited when _slowStart => Double(p99Ms, observedRowsPerSecond),
                SloState.Limited => Increase(p99Ms, observedRowsPerSecond),
                _ => Decide(SloChange.Hold, p99Ms, "within the SLO"),
            };
        }

        _samplesOver++;
        if (State == SloState.Paused) return WhilePaused(p99Ms);
        if (AtFloor && Rebase(p99Ms, out _) is { } rebased) return rebased;
        if (_samplesOver < _options.ConfirmSamplesOver && _rateBeforeRaise is { } before && _samplesAtRate <= _options.RaiseEverySamples)
            return Undo(p99Ms, before);
        if (_samplesOver < _options.ConfirmSamplesOver)
            return Decide(SloChange.Hold, p99Ms, string.Create(CultureInfo.InvariantCulture, $"{_samplesOver} sample(s) {Over}, rate held until {_options.ConfirmSamplesOver} in a row confirm a breach"));
        _slowStart = false;
        if (p99Ms >= _options.PauseAtSloMultiple * SloMs || _samplesOver >= _options.PauseAfterSamplesOver)
        {
            _resumeRate = CutRate(observedRowsPerSecond);
            var why = p99Ms >= _options.PauseAtSloMultiple * SloMs
                ? string.Create(CultureInfo.InvariantCulture, $"at least {_options.PauseAtSloMultiple:0.##}x the SLO")
                : string.Create(CultureInfo.InvariantCulture, $"{Over} for {_samplesOver} samples in a row");
            return Move(SloState.Paused, 0, SloChange.Pause, p99Ms, why);
        }
        return Cut(p99Ms, observedRowsPerSecond, Over);
    }

    /// <summary>
    /// At the floor rate the backfill is as good as paused: <see cref="LatencySloOptions.MinRowsPerSecond"/> is the least
    /// it does while running. A foreground over the SLO there is over it on its own (a demo run held 100-300 rows/s for
    /// 90 s with payments p99 at 16-17 ms against a 15.7 ms SLO, and never paused long enough to re-measure).
    /// </summary>
    private bool AtFloor => State == SloState.Limited && AllowedRowsPerSecond <= _options.MinRowsPerSecond;

    /// <summary>Over the SLO with the backfill paused: hold, or, when the recent paused samples say so, re-measure the baseline from them and resume.</summary>
    private SloDecision WhilePaused(double p99Ms)
    {
        if (Rebase(p99Ms, out var median) is { } rebased) return rebased;
        return median is null ? Decide(SloChange.Hold, p99Ms, "still " + Over)
            : Decide(SloChange.Hold, p99Ms, string.Create(CultureInfo.InvariantCulture,
                $"still {Over} in the last {_options.RebaseAfterPausedSamples} samples with the backfill paused or at its floor (median {median:0.0##} ms, over {_options.MaxBaselineRise:0.##}x the first baseline): staying paused"));
    }

    /// <summary>
    /// Re-measures the baseline as the median of the last paused (or floor-rate) samples when it is over the SLO and within
    /// <see cref="LatencySloOptions.MaxBaselineRise"/> of the first, and resumes under it; null otherwise, with
    /// <paramref name="refusedMedianMs"/> set when the median was over that rise.
    /// </summary>
    private SloDecision? Rebase(double p99Ms, out double? refusedMedianMs)
    {
        refusedMedianMs = null;
        var recent = _paused.Skip(Math.Max(0, _paused.Count - _options.RebaseAfterPausedSamples)).Select(s => s.P99Ms).Order().ToList();
        if (_options.RebaseAfterPausedSamples == 0 || _options.Target.BaselineMultiple is null || recent.Count < _options.RebaseAfterPausedSamples
            || recent[recent.Count / 2] <= SteerMs)
            return null;
        var median = recent[recent.Count / 2];
        _paused.Clear();
        if (median > _options.MaxBaselineRise * _firstBaselineMs)
        {
            refusedMedianMs = median;
            return null;
        }
        BaselineMs = Math.Max(median, _firstBaselineMs);
        _sinceRebase.Clear();
        SloMs = _options.Target.SloMs(BaselineMs);
        _samplesOver = 0;
        var rate = State == SloState.Paused ? Math.Max(_options.MinRowsPerSecond, _resumeRate) : AllowedRowsPerSecond;
        return Move(SloState.Limited, rate, SloChange.Rebase, p99Ms, string.Create(CultureInfo.InvariantCulture,
            $"p99 {Over} in most of the last {_options.RebaseAfterPausedSamples} samples with the backfill paused or at its floor, so the foreground's own latency moved: baseline re-measured as their median {BaselineMs:0.0##} ms"));
    }

    private void CountInBudget(LatencySample sample)
    {
        _budgetWindow.Enqueue((sample.Operations, sample.OverSlo));
        _operations += sample.Operations;
        _overSlo += sample.OverSlo;
        while (_budgetWindow.Count > _options.ErrorBudgetWindowSamples)
        {
            var (operations, over) = _budgetWindow.Dequeue();
            _operations -= operations;
            _overSlo -= over;
        }
    }

    private double CutRate(double observedRowsPerSecond) =>
        Math.Max(_options.MinRowsPerSecond, (AllowedRowsPerSecond ?? observedRowsPerSecond) * _options.DecreaseFactor);

    private SloDecision Cut(double p99Ms, double observedRowsPerSecond, string why)
    {
        _slowStart = false;
        return Move(SloState.Limited, CutRate(observedRowsPerSecond), SloChange.Slow, p99Ms, why);
    }

    /// <summary>Slow start: doubles while under the SLO; once the backfill cannot use half the limit, the limit holds nothing back.</summary>
    private SloDecision Double(double p99Ms, double observedRowsPerSecond)
    {
        var current = AllowedRowsPerSecond!.Value;
        if (observedRowsPerSecond > 0 && observedRowsPerSecond * 2 <= current)
        {
            _slowStart = false;
            return Raise(current, null, "within the SLO at full speed, limit lifted", p99Ms);
        }
        return Raise(current, current * 2, "within the SLO, slow start doubles", p99Ms);
    }

    private SloDecision Increase(double p99Ms, double observedRowsPerSecond)
    {
        var step = Math.Max(_options.IncreaseRowsPerSecond, Math.Max(CeilingRowsPerSecond, _fastestSeen) * _options.IncreaseShareOfCeiling);
        var current = AllowedRowsPerSecond!.Value;
        var next = current + step;
        // Past the fastest unthrottled rate seen, or when the backfill cannot use half of it, the limit holds nothing back: lift it.
        if ((CeilingRowsPerSecond > 0 && next >= CeilingRowsPerSecond) || (observedRowsPerSecond > 0 && observedRowsPerSecond * 2 <= current))
            return Raise(current, null, "within the SLO, limit lifted", p99Ms);
        return Raise(current, next, "within the SLO", p99Ms);
    }

    /// <summary>
    /// A sample over the SLO right after a raise: back to the rate before it, which was just seen under the SLO, and the
    /// next raise waits twice as long (up to <see cref="LatencySloOptions.MaxRaiseWaitSamples"/>). Each probe of a rate
    /// that proves too fast costs a second over the SLO; probed again every few seconds, a bench run journaled 40 cuts in
    /// 363 s, most of them undone raises.
    /// </summary>
    private SloDecision Undo(double p99Ms, double before)
    {
        _slowStart = false;
        var wait = Math.Min(_raiseWait * 2, _options.MaxRaiseWaitSamples);
        var decision = Move(SloState.Limited, before, SloChange.Slow, p99Ms, string.Create(CultureInfo.InvariantCulture,
            $"{Over} {_samplesAtRate} sample(s) after a raise, raise undone, the next one waits {wait} samples"));
        _raiseWait = wait;
        return decision;
    }

    private string RaiseWaitText() => _raiseWait == _options.RaiseEverySamples
        ? "over the baseline, rate held until it has run a full sample"
        : string.Create(CultureInfo.InvariantCulture, $"over the baseline, rate held {_raiseWait} samples before the next raise, since raises were undone ({_samplesAtRate} so far)");

    /// <summary>A raise: remembers the rate it came from, for <see cref="Undo"/>; one raise that held puts the next one back on the default pace.</summary>
    private SloDecision Raise(double from, double? to, string why, double p99Ms)
    {
        var wait = _rateBeforeRaise is null ? _raiseWait : _options.RaiseEverySamples;
        var decision = Move(to is null ? SloState.Unlimited : SloState.Limited, to, SloChange.SpeedUp, p99Ms, why);
        (_rateBeforeRaise, _raiseWait) = (from, wait);
        return decision;
    }

    /// <summary>Any move but a raise or an undo (a confirmed cut, a pause, a resume, a rebase) leaves the rate the undone raises probed far behind: raises go back to the default pace.</summary>
    private SloDecision Move(SloState state, double? rate, SloChange change, double p99Ms, string why)
    {
        _raiseWait = _options.RaiseEverySamples;
        _samplesAtRate = 0;
        _rateBeforeRaise = null;
        State = state;
        AllowedRowsPerSecond = state == SloState.Paused ? 0 : rate;
        return Decide(change, p99Ms, why);
    }

    /// <summary>How a sample over <see cref="SteerMs"/> is named in the reasons.</summary>
    private string Over => _options.SteerAtSloShare >= 1 ? "over the SLO"
        : string.Create(CultureInfo.InvariantCulture, $"over {_options.SteerAtSloShare * 100:0.#}% of the SLO");

    private SloDecision Decide(SloChange change, double p99Ms, string why)
    {
        var decision = new SloDecision(State, change, p99Ms, SloMs, BaselineMs, AllowedRowsPerSecond, "") { ErrorBudgetSpent = ErrorBudgetSpent };
        var steer = _options.SteerAtSloShare >= 1 ? "" : string.Create(CultureInfo.InvariantCulture, $", steered under {SteerMs:0.0##} ms");
        var budget = ErrorBudgetSpent is { } spent ? string.Create(CultureInfo.InvariantCulture, $", {spent * 100:0}% of the error budget spent") : "";
        return decision with
        {
            Reason = string.Create(CultureInfo.InvariantCulture,
                $"latency SLO: p99 {p99Ms:0.0##} ms, SLO {SloMs:0.0##} ms ({_options.Target}, baseline p99 {BaselineMs:0.0##} ms{steer}){budget}, {why}: {decision.RateText}"),
        };
    }
}
