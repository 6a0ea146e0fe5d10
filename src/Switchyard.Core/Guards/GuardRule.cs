namespace Switchyard.Core.Guards;

/// <summary>
/// What a signal's value does to the backfill. Thresholds are in the signal's unit; a null threshold never fires.
/// Abort beats pause beats slow. Pausing has hysteresis: once paused, the value must fall below
/// <see cref="ResumeBelow"/> before batches run again, so a value hovering at the threshold does not flap.
/// </summary>
public sealed record GuardRule
{
    /// <summary>At or above this value batches run after <see cref="SlowDelay"/>.</summary>
    /// <value>The default is null (never slows).</value>
    public double? SlowAt { get; init; }

    /// <summary>Extra wait before each batch while the value is at or above <see cref="SlowAt"/>.</summary>
    /// <value>The default is 500 ms.</value>
    public TimeSpan SlowDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>At or above this value the backfill holds.</summary>
    /// <value>The default is null (never pauses).</value>
    public double? PauseAt { get; init; }

    /// <summary>Once paused, the value must fall below this to resume.</summary>
    /// <value>The default is null, meaning half of <see cref="PauseAt"/>.</value>
    public double? ResumeBelow { get; init; }

    /// <summary>At or above this value the phase stops (what is done stays done).</summary>
    /// <value>The default is null (never aborts).</value>
    public double? AbortAt { get; init; }

    /// <summary>At or above this value the cutover read flags of the subject go back to legacy reads.</summary>
    /// <value>The default is null (never rolls back).</value>
    public double? RollbackAt { get; init; }

    /// <summary>How long a paused backfill waits before asking again.</summary>
    /// <value>The default is 1 s.</value>
    public TimeSpan PauseRecheck { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The value below which a paused signal is healthy again.</summary>
    public double? EffectiveResumeBelow => ResumeBelow ?? PauseAt / 2;

    /// <summary>A rule that only observes.</summary>
    public static readonly GuardRule Observe = new();

    public void Validate(string signal)
    {
        if (PauseAt is { } p && EffectiveResumeBelow is { } r && r > p)
            throw new SwitchyardException($"Guard rule '{signal}': resume_below ({r}) is above pause_at ({p}).",
                "Set resume_below lower than pause_at, so a paused backfill resumes only once the signal is clearly healthy.");
        if (SlowDelay < TimeSpan.Zero || PauseRecheck <= TimeSpan.Zero)
            throw new SwitchyardException($"Guard rule '{signal}': slow_delay must be >= 0 and pause_recheck > 0.");
    }
}
