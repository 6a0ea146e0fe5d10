using Switchyard.Core.Backfill;

namespace Switchyard.Core.Guards;

/// <summary>What the policy made of one reading.</summary>
public sealed record SignalVerdict(SignalReading Reading, ThrottleAction Action, TimeSpan Delay, string? Reason, bool RollbackReadFlags)
{
    public bool Healthy => Action == ThrottleAction.Proceed && !RollbackReadFlags;
}
