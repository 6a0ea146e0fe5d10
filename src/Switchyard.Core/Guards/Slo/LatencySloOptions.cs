namespace Switchyard.Core.Guards.Slo;

/// <summary>How the latency-SLO controller samples the foreground latency and moves the backfill's allowed rate.</summary>
public sealed record LatencySloOptions
{
    /// <summary>The p99 to keep.</summary>
    /// <value>The default is 1.5 × the baseline p99.</value>
    public LatencySloTarget Target { get; init; } = LatencySloTarget.Default;

    /// <summary>How often the p99 is measured and the rate adjusted; between samples batches get the last rate.</summary>
    /// <value>The default is 1 s.</value>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Multiplicative decrease: the allowed rate is multiplied by this when p99 is over the SLO.</summary>
    /// <value>The default is 0.5.</value>
    public double DecreaseFactor { get; init; } = 0.5;

    /// <summary>p99 at or above this multiple of the SLO pauses at once instead of slowing.</summary>
    /// <value>The default is 2.</value>
    public double PauseAtSloMultiple { get; init; } = 2;

    /// <summary>
    /// A breach acts (slows or pauses) only from this many samples in a row over the SLO; a lone sample over it holds the
    /// rate. One second of a few hundred payments has a p99 of its three slowest, so a single slow sample is mostly the
    /// host's noise; a breach the backfill causes lasts while it runs and is still answered within this many samples.
    /// </summary>
    /// <value>
    /// The default is 2. Measured under the bench's 300 payments/s on 2 cores: 1 s samples swung 30-110 ms whatever the
    /// backfill's rate, and the full-speed backfill's p99 over its window was 1.09-1.30x the baseline; acting on every lone
    /// sample held the backfill at a tenth of that speed, which then sat through bursts it did not cause.
    /// </value>
    public int ConfirmSamplesOver { get; init; } = 2;

    /// <summary>This many samples in a row over the SLO pause, even below <see cref="PauseAtSloMultiple"/>.</summary>
    /// <value>The default is 5.</value>
    public int PauseAfterSamplesOver { get; init; } = 5;

    /// <summary>
    /// Paused samples are the foreground on its own: nothing of the backfill runs (and at <see cref="MinRowsPerSecond"/>
    /// next to nothing, so samples at that floor count too). When the median of the last this many of them (within <see cref="RebaseWindowSamples"/>, over one pause or several) is over the SLO, the foreground's own
    /// latency moved (a report, a checkpoint, the day's peak). The baseline is then re-measured as that median and the
    /// backfill resumes under the SLO over it; once the median of as many samples since is within the first SLO's hold
    /// band (<see cref="HoldAboveSloShare"/>), the first baseline holds again.
    /// 0 never re-measures. Only for an SLO relative to the baseline: an absolute SLO is the operator's limit and never moves.
    /// </summary>
    /// <value>The default is 5: longer than a lone burst, short enough that a backfill does not sit out a busy hour.</value>
    public int RebaseAfterPausedSamples { get; init; } = 5;

    /// <summary>
    /// How many of the latest samples the paused ones are remembered for. Not only a pause of that many samples in a row
    /// counts: a foreground hovering around the SLO on its own ends each pause with one lucky second under it, and the
    /// backfill resumed, paused again, and sat at its floor rate for good (a bench run held 100 rows/s for minutes while
    /// p99 read 40-98 ms paused or not).
    /// </summary>
    /// <value>The default is 60: a minute at the default interval.</value>
    public int RebaseWindowSamples { get; init; } = 60;

    /// <summary>A re-measured baseline may be at most this multiple of the first one; above it the backfill stays paused (the foreground is in trouble of its own).</summary>
    /// <value>The default is 3.</value>
    public double MaxBaselineRise { get; init; } = 3;

    /// <summary>The rate never drops below this while running (pausing is the step below it).</summary>
    /// <value>The default is 100 rows/s.</value>
    public double MinRowsPerSecond { get; init; } = 100;

    /// <summary>
    /// Slow start: the rate the backfill begins at, doubled every sample under the SLO until the first sample over it
    /// (then AIMD) or until the limit no longer binds (then lifted); null starts without a limit.
    /// </summary>
    /// <value>The default is 1,000 rows/s: no full-speed burst before the first sample has seen what it costs.</value>
    public double? StartRowsPerSecond { get; init; } = 1_000;

    /// <summary>
    /// A raise (a slow-start doubling or an additive step) waits for this many samples at the current rate while p99 is
    /// over the baseline: the sample right after a change ran part of its second at the old rate, so it cannot yet say
    /// what the new one costs (at or under the baseline, even part of a second at the new rate cost nothing). A
    /// sample over the SLO within that many samples of a raise undoes the raise at once, without waiting for
    /// <see cref="ConfirmSamplesOver"/>: the raise is the likeliest cause, and the rate before it was just seen under the SLO.
    /// </summary>
    /// <value>
    /// The default is 2. Measured in the demo (100 payments/s, a ~30 s backfill): doubling every sample went from 2,000 to
    /// 16,000 rows/s within 10 s, and the two samples that confirmed the breach (p99 34 ms against a 16 ms SLO) put the
    /// phase's authorization p99 over the SLO on their own; at 1% of ~900 authorizations, a second over it is too many.
    /// </value>
    public int RaiseEverySamples { get; init; } = 2;

    /// <summary>
    /// The longest a raise waits after raises were undone: each undone raise doubles the next one's wait from
    /// <see cref="RaiseEverySamples"/> up to this, and a raise that holds puts it back. A rate that proved too fast is
    /// probed less and less often instead of every few samples, each probe a sample over the SLO.
    /// </summary>
    /// <value>
    /// The default is 30 (half a minute at the default interval): how soon a backfill held back by a busy foreground finds
    /// out that it has eased. Measured under the bench's 300 payments/s with a raise every 2 samples: 40 cuts in a 363 s
    /// backfill, most of them undone raises, each a second over the SLO.
    /// </value>
    public int MaxRaiseWaitSamples { get; init; } = 30;

    /// <summary>
    /// The share of the SLO each sample's p99 is steered under: a sample over it is over for the controller (a raise
    /// undone, a breach confirmed, the foreground's own latency re-measured), while a pause still takes
    /// <see cref="PauseAtSloMultiple"/> times the SLO itself. The SLO is the p99 of the whole backfill, and that adds to
    /// the samples the seconds before each answer and the foreground's own bursts: steered at the SLO itself, the
    /// backfill's p99 ends at or just over it. 1 steers at the SLO.
    /// </summary>
    /// <value>
    /// The default is 0.9. Measured under the bench's 300 payments/s (1M rows, two runs) steering at the SLO: the
    /// backfill's p99 over its run was 1.02x and 1.03x the SLO the controller held each sample to.
    /// </value>
    public double SteerAtSloShare { get; init; } = 0.9;

    /// <summary>p99 between this share of the SLO and the SLO holds the rate instead of raising it: the rate settles just under the SLO rather than crossing it on every climb.</summary>
    /// <value>The default is 0.8.</value>
    public double HoldAboveSloShare { get; init; } = 0.8;

    /// <summary>With this share of the error budget spent (1% of the window's operations over the SLO), the rate stops climbing.</summary>
    /// <value>The default is 0.5: the second half of the budget is kept for what the controller cannot foresee.</value>
    public double HoldAtErrorBudgetSpent { get; init; } = 0.5;

    /// <summary>Whether the error budget moves the rate (hold at <see cref="HoldAtErrorBudgetSpent"/>, cut when spent); otherwise it is only measured and reported.</summary>
    /// <value>
    /// The default is false. Measured on 2 busy cores: bursts the backfill did not cause (2.3-2.9 s p99 about once a
    /// minute) kept a 60-sample budget overspent, and the cut rule held the backfill at its 100 rows/s floor.
    /// </value>
    public bool ErrorBudgetDecides { get; init; }

    /// <summary>How many of the latest samples the error budget counts (one a <see cref="SampleInterval"/>).</summary>
    /// <value>The default is 60: a minute at the default interval, long enough to hold a breach's cost, short enough that a burst the backfill did not cause is soon forgotten.</value>
    public int ErrorBudgetWindowSamples { get; init; } = 60;

    /// <summary>The error budget acts only once its window counts this many operations: 1% of fewer is a handful of operations, too few to judge a p99 by.</summary>
    /// <value>The default is 1,000 (about 3 s of payments at 300 ops/s). The canary's 5 probes a sample never fill a window with that many: the budget is the application feed's.</value>
    public long ErrorBudgetMinOperations { get; init; } = 1_000;

    /// <summary>The batch time batches aim at while the rate is limited (instead of the backfill's own target).</summary>
    /// <value>The default is 25 ms.</value>
    public TimeSpan LimitedBatchTime { get; init; } = TimeSpan.FromMilliseconds(25);

    /// <summary>Additive increase per sample under the SLO, at least.</summary>
    /// <value>The default is 500 rows/s.</value>
    public double IncreaseRowsPerSecond { get; init; } = 500;

    /// <summary>Additive increase as a share of the fastest unthrottled rate seen, when that is larger: recovery takes ~20 samples on any machine.</summary>
    /// <value>The default is 0.05.</value>
    public double IncreaseShareOfCeiling { get; init; } = 0.05;

    /// <summary>Which latency drives the controller.</summary>
    /// <value>The default is <see cref="LatencySource.Auto"/>: the application's latency feed when it publishes one, else the canary.</value>
    public LatencySource Source { get; init; } = LatencySource.Auto;

    /// <summary>How the application's latency feed is read.</summary>
    public AppLatencyOptions App { get; init; } = new();

    /// <summary>Probes of the baseline and of each sample (the canary's statements, window and timeouts).</summary>
    /// <value>The default is the default canary: a primary-key read and a tiny upsert into switchyard.canary.</value>
    public CanaryOptions Canary { get; init; } = new();

    public void Validate()
    {
        if (Target.IsOff) throw new SwitchyardException("The latency-SLO controller needs an SLO; with --latency-slo off it is not created.");
        if (SampleInterval <= TimeSpan.Zero) throw new SwitchyardException("The latency-SLO sample interval must be positive.");
        if (DecreaseFactor is <= 0 or >= 1 || double.IsNaN(DecreaseFactor))
            throw new SwitchyardException($"The latency-SLO decrease factor must be between 0 and 1 (exclusive), got {DecreaseFactor}.");
        if (PauseAtSloMultiple <= 1 || double.IsNaN(PauseAtSloMultiple))
            throw new SwitchyardException($"The latency-SLO pause multiple must be above 1, got {PauseAtSloMultiple}.");
        if (PauseAfterSamplesOver < 1 || ConfirmSamplesOver < 1 || ConfirmSamplesOver > PauseAfterSamplesOver)
            throw new SwitchyardException($"The latency-SLO breach counts must be at least 1 and confirm ({ConfirmSamplesOver}) at most pause-after ({PauseAfterSamplesOver}).");
        if (StartRowsPerSecond is <= 0 || HoldAboveSloShare is <= 0 or > 1 || double.IsNaN(HoldAboveSloShare))
            throw new SwitchyardException("The latency-SLO start rate must be positive and the hold share between 0 and 1.");
        if (HoldAtErrorBudgetSpent is <= 0 || double.IsNaN(HoldAtErrorBudgetSpent) || ErrorBudgetMinOperations < 1 || ErrorBudgetWindowSamples < 1)
            throw new SwitchyardException($"The latency-SLO error-budget hold share must be positive (got {HoldAtErrorBudgetSpent}), and its minimum operations (got {ErrorBudgetMinOperations}) and window samples (got {ErrorBudgetWindowSamples}) at least 1.");
        if (RebaseAfterPausedSamples < 0 || MaxBaselineRise < 1 || double.IsNaN(MaxBaselineRise) || RebaseWindowSamples < RebaseAfterPausedSamples)
            throw new SwitchyardException($"The latency-SLO re-baseline needs paused samples of at least 0 (got {RebaseAfterPausedSamples}), a window of at least that many samples (got {RebaseWindowSamples}) and a maximum rise of at least 1 (got {MaxBaselineRise}).");
        if (RaiseEverySamples < 1 || MaxRaiseWaitSamples < RaiseEverySamples)
            throw new SwitchyardException($"The latency-SLO raise interval must be at least 1 sample (got {RaiseEverySamples}) and its longest wait at least that (got {MaxRaiseWaitSamples}).");
        if (SteerAtSloShare is <= 0 or > 1 || double.IsNaN(SteerAtSloShare))
            throw new SwitchyardException($"The latency-SLO steering share must be above 0 and at most 1, got {SteerAtSloShare}.");
        if (LimitedBatchTime <= TimeSpan.Zero) throw new SwitchyardException("The latency-SLO limited batch time must be positive.");
        if (MinRowsPerSecond <= 0 || IncreaseRowsPerSecond <= 0 || IncreaseShareOfCeiling < 0)
            throw new SwitchyardException("The latency-SLO minimum rate and increase step must be positive.");
        Canary.Validate();
        App.Validate();
    }
}
