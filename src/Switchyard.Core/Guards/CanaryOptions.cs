namespace Switchyard.Core.Guards;

/// <summary>The foreground-latency canary: statements an application would run, timed, p99 compared with a baseline.</summary>
public sealed record CanaryOptions
{
    /// <summary>Statements of one probe, run in one transaction; <c>$1</c> receives a slot number 0..99.</summary>
    /// <value>The default is a primary-key read and a tiny upsert into <c>switchyard.canary</c>.</value>
    public IReadOnlyList<string> ProbeSql { get; init; } = CanarySchema.DefaultProbe;

    /// <summary>Probes run per sample.</summary>
    /// <value>The default is 5.</value>
    public int ProbesPerSample { get; init; } = 5;

    /// <summary>Probes taken for the baseline before the migration starts.</summary>
    /// <value>The default is 50.</value>
    public int BaselineProbes { get; init; } = 50;

    /// <summary>How many recent probes the p99 is taken over.</summary>
    /// <value>The default is 50.</value>
    public int WindowProbes { get; init; } = 50;

    /// <summary>A baseline p99 below this is raised to it, so microsecond noise is not a 10x spike.</summary>
    /// <value>The default is 5 ms.</value>
    public TimeSpan BaselineFloor { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>A probe slower than this is cut off and counted at this latency.</summary>
    /// <value>The default is 2 s.</value>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(2);

    public void Validate()
    {
        if (ProbeSql.Count == 0) throw new SwitchyardException("Canary probe needs at least one SQL statement.");
        if (ProbesPerSample < 1 || BaselineProbes < 1 || WindowProbes < 1)
            throw new SwitchyardException("Canary probe counts (probes per sample, baseline, window) must be at least 1.");
    }
}
