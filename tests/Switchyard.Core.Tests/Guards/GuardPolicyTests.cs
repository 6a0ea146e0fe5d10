using Switchyard.Core;
using Switchyard.Core.Backfill;
using Switchyard.Core.Guards;

namespace Switchyard.Core.Tests.Guards;

public sealed class GuardPolicyTests
{
    private static readonly Dictionary<string, GuardRule> Rules = new()
    {
        [SignalNames.ReplicationLagBytes] = new() { SlowAt = 100, PauseAt = 1000, ResumeBelow = 200, AbortAt = 10_000 },
    };

    private static SignalReading Lag(double bytes) => new(SignalNames.ReplicationLagBytes, "standby s1", bytes, SignalUnits.Bytes, "");

    [Fact]
    public void Evaluate_ValuesAcrossThresholds_GiveProceedSlowPauseAbort()
    {
        // Given a fresh policy
        var policy = new GuardPolicy(Rules);

        // When / Then each band maps to its action
        policy.Evaluate(Lag(50)).Action.ShouldBe(ThrottleAction.Proceed);
        policy.Evaluate(Lag(150)).Action.ShouldBe(ThrottleAction.Slow);
        policy.Evaluate(Lag(150)).Delay.ShouldBe(TimeSpan.FromMilliseconds(500));
        policy.Evaluate(Lag(20_000)).Action.ShouldBe(ThrottleAction.Abort);
    }

    [Fact]
    public void Evaluate_AfterAPause_HoldsUntilTheValueFallsBelowResumeBelow()
    {
        // Given a policy that has paused on a breach
        var policy = new GuardPolicy(Rules);
        policy.Evaluate(Lag(1500)).Action.ShouldBe(ThrottleAction.Pause);

        // When the value falls below pause_at but stays above resume_below
        var still = policy.Evaluate(Lag(500));

        // Then it still pauses (hysteresis), naming the resume threshold
        still.Action.ShouldBe(ThrottleAction.Pause);
        still.Reason.ShouldNotBeNull().ShouldContain("resume_below");

        // And once below resume_below it proceeds (slow band rules apply again above slow_at)
        policy.Evaluate(Lag(150)).Action.ShouldBe(ThrottleAction.Slow);
        policy.Evaluate(Lag(500)).Action.ShouldBe(ThrottleAction.Slow);
    }

    [Fact]
    public void Evaluate_UnreadableReading_PausesAndSaysWhatCouldNotBeRead()
    {
        // Given a reading that failed
        var policy = new GuardPolicy(Rules);
        var reading = SignalReading.Unreadable(SignalNames.ReplicationLagBytes, "standby s1", SignalUnits.Bytes, "connection refused");

        // When evaluated
        var verdict = policy.Evaluate(reading);

        // Then it fails closed
        verdict.Action.ShouldBe(ThrottleAction.Pause);
        verdict.Reason.ShouldBe("cannot read replication_lag_bytes of standby s1: connection refused");
    }

    [Fact]
    public void Evaluate_NotConfiguredSignal_NeverActs()
    {
        var policy = new GuardPolicy();
        var verdict = policy.Evaluate(SignalReading.NotConfigured(SignalNames.MismatchRate, "", SignalUnits.Fraction, "no table"));
        verdict.Action.ShouldBe(ThrottleAction.Proceed);
        verdict.RollbackReadFlags.ShouldBeFalse();
    }

    [Fact]
    public void Evaluate_DefaultMismatchRule_RollsBackAndPausesAtOnePerThousand()
    {
        var policy = new GuardPolicy();
        var verdict = policy.Evaluate(new SignalReading(SignalNames.MismatchRate, "public.transactions.status", 0.002, SignalUnits.Fraction, ""));
        verdict.RollbackReadFlags.ShouldBeTrue();
        verdict.Action.ShouldBe(ThrottleAction.Pause);
        policy.Evaluate(new SignalReading(SignalNames.MismatchRate, "x", 0.00001, SignalUnits.Fraction, "")).RollbackReadFlags.ShouldBeFalse();
    }

    [Fact]
    public void Combine_MostSevereWins_AndNamesItsSignal()
    {
        var policy = new GuardPolicy(Rules);
        var verdicts = new[] { policy.Evaluate(Lag(150)), policy.Evaluate(Lag(1500) with { Subject = "standby s2" }), policy.Evaluate(Lag(0) with { Subject = "standby s3" }) };

        var decision = GuardPolicy.Combine(verdicts);

        decision.Action.ShouldBe(ThrottleAction.Pause);
        decision.Source.ShouldBe("guard:replication_lag_bytes");
        decision.Reason.ShouldNotBeNull().ShouldContain("standby s2");
        decision.Reason.ShouldContain("(and 1 more)");
        GuardPolicy.Combine([policy.Evaluate(Lag(1) with { Subject = "standby s9" })]).ShouldBe(ThrottleDecision.Proceed);
    }

    [Fact]
    public void Options_UnknownSignalOrInvertedHysteresis_AreRejectedWithAHint()
    {
        var unknown = new GuardOptions { Rules = new Dictionary<string, GuardRule> { ["replication_lagg"] = new() } };
        Should.Throw<SwitchyardException>(unknown.Validate).Hint.ShouldNotBeNull().ShouldContain("replication_lag_bytes");

        var inverted = new GuardOptions { Rules = new Dictionary<string, GuardRule> { [SignalNames.CanaryP99Ratio] = new() { PauseAt = 2, ResumeBelow = 5 } } };
        Should.Throw<SwitchyardException>(inverted.Validate).Message.ShouldContain("resume_below");
    }
}
