using Switchyard.Core.Backfill;

namespace Switchyard.Core.Guards;

/// <summary>The last sample: every signal's value and verdict, and the combined decision.</summary>
public sealed record GuardSnapshot(DateTimeOffset At, IReadOnlyList<SignalVerdict> Verdicts, ThrottleDecision Decision)
{
    public static readonly GuardSnapshot Empty = new(DateTimeOffset.MinValue, [], ThrottleDecision.Proceed);
}
