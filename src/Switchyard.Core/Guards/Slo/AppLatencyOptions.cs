namespace Switchyard.Core.Guards.Slo;

/// <summary>How the controller reads the latency applications publish through Switchyard.Compat's latency feed.</summary>
public sealed record AppLatencyOptions
{
    /// <summary>The baseline p99 is taken over the operations published this long before the backfill starts.</summary>
    /// <value>The default is 20 s.</value>
    public TimeSpan BaselineWindow { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The feed is used only with at least this many operations in the baseline window (else the canary is).</summary>
    /// <value>The default is 200.</value>
    public long MinBaselineOperations { get; init; } = 200;

    /// <summary>A sample with fewer new operations than this widens to <see cref="QuietWindow"/>.</summary>
    /// <value>The default is 50.</value>
    public long MinSampleOperations { get; init; } = 50;

    /// <summary>The widest window a sample reads; fewer than <see cref="MinSampleOperations"/> in it is unmeasurable (the backfill pauses).</summary>
    /// <value>The default is 10 s.</value>
    public TimeSpan QuietWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A baseline p99 below this is raised to it, so sub-millisecond noise is not a 10x spike.</summary>
    /// <value>The default is 2 ms.</value>
    public TimeSpan BaselineFloor { get; init; } = TimeSpan.FromMilliseconds(2);

    public void Validate()
    {
        if (BaselineWindow <= TimeSpan.Zero || QuietWindow <= TimeSpan.Zero)
            throw new SwitchyardException("The application-latency windows must be positive.");
        if (MinBaselineOperations < 1 || MinSampleOperations < 1)
            throw new SwitchyardException("The application-latency operation minimums must be at least 1.");
    }
}
