namespace Switchyard.Core.Guards.Slo;

/// <summary>Where the controller stands.</summary>
public enum SloState
{
    /// <summary>No limit: the backfill runs as fast as its batches allow.</summary>
    Unlimited,
    /// <summary>Held to <see cref="SloDecision.AllowedRowsPerSecond"/>.</summary>
    Limited,
    /// <summary>No batches until the p99 is back under the SLO.</summary>
    Paused,
}

/// <summary>What one sample changed.</summary>
public enum SloChange
{
    /// <summary>Nothing: under the SLO without a limit, or still over it while paused.</summary>
    Hold,
    /// <summary>Over the SLO: the rate was cut (multiplicative decrease).</summary>
    Slow,
    /// <summary>Far over the SLO, or over it for too long: batches stop.</summary>
    Pause,
    /// <summary>Back under the SLO after a pause: batches run again at a reduced rate.</summary>
    Resume,
    /// <summary>Under the SLO: the rate grew (additive increase), or the limit was lifted.</summary>
    SpeedUp,
    /// <summary>
    /// The SLO itself moved: the foreground stayed over it with the backfill paused or at its floor, so the baseline was
    /// re-measured from those samples; or it came back within the first SLO's hold band, so the first baseline holds again.
    /// </summary>
    Rebase,
}

/// <summary>One sample's outcome: the values that drove it and the rate the backfill may now run at.</summary>
/// <param name="AllowedRowsPerSecond">null without a limit; 0 while paused.</param>
public sealed record SloDecision(SloState State, SloChange Change, double P99Ms, double SloMs, double BaselineMs, double? AllowedRowsPerSecond, string Reason)
{
    /// <summary>The share of the error budget (1% of operations over the SLO) spent since the backfill started; null when the measure counts no operations.</summary>
    public double? ErrorBudgetSpent { get; init; }

    /// <summary>The rate as people read it.</summary>
    public string RateText => State switch
    {
        SloState.Paused => "paused",
        _ when AllowedRowsPerSecond is { } r => FormattableString.Invariant($"{r:N0} rows/s"),
        _ => "no limit",
    };
}
