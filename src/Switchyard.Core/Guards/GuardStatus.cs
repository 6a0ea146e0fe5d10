namespace Switchyard.Core.Guards;

/// <summary>What <c>switchyard status</c> and <c>watch</c> show about the guards.</summary>
/// <param name="Now">Every signal's value and verdict, read just now, and what the guards would decide.</param>
/// <param name="LastDecision">The newest guard decision journaled by a running migration; null when none.</param>
public sealed record GuardStatus(GuardSnapshot Now, JournaledDecision? LastDecision)
{
    /// <summary>The latency-SLO controller's newest journaled decision (SLO, p99, allowed rate); null when none.</summary>
    public JournaledSloDecision? LatencySlo { get; init; }
}

/// <summary>A guard event from <c>switchyard.events</c>.</summary>
public sealed record JournaledDecision(DateTimeOffset At, string Message, string? Action, string ApplicationName);

/// <summary>A latency-SLO controller event from <c>switchyard.events</c>: the values as of that decision.</summary>
/// <param name="AllowedRowsPerSecond">null without a limit; 0 while paused.</param>
public sealed record JournaledSloDecision(DateTimeOffset At, string Action, string State, double? P99Ms, double SloMs, double BaselineMs, double? AllowedRowsPerSecond, string Message)
{
    /// <summary>One line for status and watch: "latency SLO 7.5 ms (baseline p99 5.0 ms), p99 3.2 ms, allowed rate no limit — speed_up at 21:08:15".</summary>
    public string Describe() => System.FormattableString.Invariant(
        $"latency SLO {SloMs:0.0#} ms (baseline p99 {BaselineMs:0.0#} ms), p99 {(P99Ms is { } p ? p.ToString("0.0#", System.Globalization.CultureInfo.InvariantCulture) + " ms" : "unreadable")}, allowed rate {(State == "paused" ? "paused" : AllowedRowsPerSecond is { } r ? r.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " rows/s" : "no limit")} — last decision {Action} at {At.ToUniversalTime():HH:mm:ss}");
}
