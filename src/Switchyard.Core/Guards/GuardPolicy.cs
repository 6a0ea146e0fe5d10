using System.Globalization;
using Switchyard.Core.Backfill;

namespace Switchyard.Core.Guards;

/// <summary>
/// Maps readings to actions with the rules, remembering which signals hold a pause so resuming needs the lower
/// threshold (hysteresis). Fails closed: a reading that could not be taken pauses.
/// </summary>
public sealed class GuardPolicy
{
    private readonly IReadOnlyDictionary<string, GuardRule>? _overrides;
    private readonly HashSet<(string Signal, string Subject)> _holding = [];
    private readonly object _gate = new();

    public GuardPolicy(IReadOnlyDictionary<string, GuardRule>? overrides = null)
    {
        _overrides = overrides;
        foreach (var (signal, rule) in overrides ?? new Dictionary<string, GuardRule>()) rule.Validate(signal);
    }

    public GuardRule RuleFor(string signal) => GuardRules.For(signal, _overrides);

    public SignalVerdict Evaluate(SignalReading reading)
    {
        var rule = RuleFor(reading.Signal);
        var key = (reading.Signal, reading.Subject);
        lock (_gate)
        {
            if (!reading.Configured) return new SignalVerdict(reading, ThrottleAction.Proceed, TimeSpan.Zero, null, false);
            if (!reading.Readable)
            {
                _holding.Add(key);
                return new SignalVerdict(reading, ThrottleAction.Pause, rule.PauseRecheck,
                    $"cannot read {Describe(reading)}: {reading.Error}", false);
            }
            var value = reading.Value ?? 0;
            var rollback = rule.RollbackAt is { } rb && value >= rb;
            if (rule.AbortAt is { } abort && value >= abort)
                return new SignalVerdict(reading, ThrottleAction.Abort, TimeSpan.Zero, Breach(reading, "abort_at", abort), rollback);
            if (rule.PauseAt is { } pause && value >= pause)
            {
                _holding.Add(key);
                return new SignalVerdict(reading, ThrottleAction.Pause, rule.PauseRecheck, Breach(reading, "pause_at", pause), rollback);
            }
            if (_holding.Contains(key))
            {
                var resume = rule.EffectiveResumeBelow ?? double.PositiveInfinity;
                if (value >= resume)
                {
                    return new SignalVerdict(reading, ThrottleAction.Pause, rule.PauseRecheck,
                        $"{Describe(reading)} is {reading.DisplayValue}, still not below resume_below {SignalUnits.Format(resume, reading.Unit)}", rollback);
                }
                _holding.Remove(key);
            }
            if (rule.SlowAt is { } slow && value >= slow)
                return new SignalVerdict(reading, ThrottleAction.Slow, rule.SlowDelay, Breach(reading, "slow_at", slow), rollback);
            return new SignalVerdict(reading, ThrottleAction.Proceed, TimeSpan.Zero, rollback ? Breach(reading, "rollback_at", rule.RollbackAt!.Value) : null, rollback);
        }
    }

    /// <summary>The decision for all verdicts: the most severe action wins; among equals, the longest delay.</summary>
    public static ThrottleDecision Combine(IReadOnlyList<SignalVerdict> verdicts)
    {
        var worst = verdicts
            .Where(v => v.Action != ThrottleAction.Proceed)
            .OrderByDescending(v => v.Action)
            .ThenByDescending(v => v.Delay)
            .ToList();
        if (worst.Count == 0) return ThrottleDecision.Proceed;
        var top = worst[0];
        var others = worst.Count - 1;
        var reason = others == 0 ? top.Reason : $"{top.Reason} (and {others.ToString(CultureInfo.InvariantCulture)} more)";
        return new ThrottleDecision(top.Action, top.Delay, reason, "guard:" + top.Reading.Signal);
    }

    private static string Describe(SignalReading r) => r.Subject.Length == 0 ? r.Signal : $"{r.Signal} of {r.Subject}";

    private static string Breach(SignalReading r, string threshold, double limit) =>
        $"{Describe(r)} is {r.DisplayValue} (>= {threshold} {SignalUnits.Format(limit, r.Unit)})" + (r.Detail.Length > 0 ? $"; {r.Detail}" : "");
}
