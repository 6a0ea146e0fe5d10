using Switchyard.Core.Guards.Slo;

namespace Switchyard.Core.Tests.Guards;

public sealed class AimdRateControllerTests
{
    // Baseline 10 ms, SLO 1.5x = 15 ms, pause at 2x SLO = 30 ms; every sample acts (no confirmation, a raise per sample).
    internal static readonly LatencySloOptions Options = new()
    {
        RaiseEverySamples = 1,
        SteerAtSloShare = 1,
        StartRowsPerSecond = null,
        MinRowsPerSecond = 100,
        IncreaseRowsPerSecond = 500,
        IncreaseShareOfCeiling = 0.05,
        DecreaseFactor = 0.5,
        PauseAtSloMultiple = 2,
        PauseAfterSamplesOver = 3,
        ConfirmSamplesOver = 1,
    };

    [Fact]
    public void Observe_P99SequenceOverFarOverAndBackUnder_SlowsPausesResumesAndLiftsTheLimit()
    {
        // Given a controller whose backfill ran unthrottled at 10,000 rows/s under the SLO
        var controller = new AimdRateController(10, Options);
        var quiet = controller.Observe(9, 10_000);
        quiet.Change.ShouldBe(SloChange.Hold);
        quiet.State.ShouldBe(SloState.Unlimited);
        quiet.AllowedRowsPerSecond.ShouldBeNull();
        controller.SloMs.ShouldBe(15);

        // When p99 goes over the SLO twice, Then the rate halves from the observed rate each time
        var slow = controller.Observe(20, 10_000);
        slow.Change.ShouldBe(SloChange.Slow);
        slow.AllowedRowsPerSecond.ShouldBe(5_000);
        slow.Reason.ShouldContain("p99 20.0 ms");
        slow.Reason.ShouldContain("SLO 15.0 ms");
        slow.Reason.ShouldContain("baseline p99 10.0 ms");
        slow.Reason.ShouldContain("5,000 rows/s");
        controller.Observe(20, 5_000).AllowedRowsPerSecond.ShouldBe(2_500);

        // When it is back under, Then the rate climbs additively by 5 % of the 10,000 rows/s ceiling
        var up = controller.Observe(12, 2_500);
        up.Change.ShouldBe(SloChange.SpeedUp);
        up.AllowedRowsPerSecond.ShouldBe(3_000);

        // When it goes far over (>= 2x the SLO), Then it pauses at once
        var pause = controller.Observe(31, 3_000);
        pause.Change.ShouldBe(SloChange.Pause);
        pause.State.ShouldBe(SloState.Paused);
        pause.AllowedRowsPerSecond.ShouldBe(0);
        pause.Reason.ShouldContain("at least 2x the SLO");

        // When it stays over, Then it holds the pause
        var held = controller.Observe(16, 0);
        held.Change.ShouldBe(SloChange.Hold);
        held.State.ShouldBe(SloState.Paused);

        // When it is back under, Then it resumes at half the rate it paused at
        var resume = controller.Observe(11, 0);
        resume.Change.ShouldBe(SloChange.Resume);
        resume.State.ShouldBe(SloState.Limited);
        resume.AllowedRowsPerSecond.ShouldBe(1_500);

        // And climbing past the unthrottled ceiling lifts the limit
        SloDecision last = resume;
        var climbs = 0;
        while (last.State == SloState.Limited && climbs++ < 100)
        {
            last = controller.Observe(11, last.AllowedRowsPerSecond!.Value);
            last.Change.ShouldBe(SloChange.SpeedUp);
        }
        last.State.ShouldBe(SloState.Unlimited);
        last.AllowedRowsPerSecond.ShouldBeNull();
        climbs.ShouldBe(17); // 1,500 + 16 x 500 = 9,500, the 17th step reaches 10,000
    }

    [Fact]
    public void Observe_SlowStart_DoublesUnderTheSloHoldsNearItAndHalvesOverIt()
    {
        // Given a controller that starts at 1,000 rows/s (SLO 15 ms, hold band above 12 ms)
        var controller = new AimdRateController(10, Options with { StartRowsPerSecond = 1_000 });
        controller.State.ShouldBe(SloState.Limited);
        controller.AllowedRowsPerSecond.ShouldBe(1_000);

        // When p99 stays well under the SLO while the backfill uses its limit, Then the rate doubles each sample
        controller.Observe(9, 0).AllowedRowsPerSecond.ShouldBe(2_000);
        var doubled = controller.Observe(9, 2_000);
        doubled.Change.ShouldBe(SloChange.SpeedUp);
        doubled.AllowedRowsPerSecond.ShouldBe(4_000);
        doubled.Reason.ShouldContain("slow start doubles");

        // When p99 is near the SLO (over 80 % of it, under it), Then the rate is held
        var held = controller.Observe(13, 4_000);
        held.Change.ShouldBe(SloChange.Hold);
        held.AllowedRowsPerSecond.ShouldBe(4_000);
        held.Reason.ShouldContain("near the SLO, rate held");

        // When it goes over, Then the rate halves and slow start is over: the next climb is additive
        controller.Observe(20, 4_000).AllowedRowsPerSecond.ShouldBe(2_000);
        controller.Observe(9, 2_000).AllowedRowsPerSecond.ShouldBe(2_500);
    }

    [Fact]
    public void Observe_SlowStartFasterThanTheBackfillCanGo_LiftsTheLimit()
    {
        // Given a slow start at 1,000 rows/s doubled to 8,000 while the backfill manages 3,000
        var controller = new AimdRateController(10, Options with { StartRowsPerSecond = 1_000 });
        controller.Observe(9, 1_000);
        controller.Observe(9, 2_000);
        controller.Observe(9, 3_000).AllowedRowsPerSecond.ShouldBe(8_000);

        // When the backfill still uses less than half of the limit, Then the limit is lifted
        var lifted = controller.Observe(9, 3_000);
        lifted.State.ShouldBe(SloState.Unlimited);
        lifted.Reason.ShouldContain("limit lifted");
    }

    [Fact]
    public void Observe_SustainedBreachJustOverTheSlo_PausesAfterTheConfiguredSamples()
    {
        // Given a controller running unthrottled
        var controller = new AimdRateController(10, Options);
        controller.Observe(5, 8_000);

        // When p99 stays a little over the SLO (never near 2x) for three samples
        var decisions = new[] { controller.Observe(16, 8_000), controller.Observe(16, 4_000), controller.Observe(16, 2_000) };

        // Then it halves twice, then pauses saying why
        decisions.Select(d => d.Change).ShouldBe([SloChange.Slow, SloChange.Slow, SloChange.Pause]);
        decisions[1].AllowedRowsPerSecond.ShouldBe(2_000);
        decisions[2].Reason.ShouldContain("over the SLO for 3 samples in a row");
    }

    [Fact]
    public void Observe_LoneSampleOverTheSlo_HoldsUntilASecondInARowConfirmsIt()
    {
        // Given the default confirmation (two samples in a row), running unthrottled at 8,000 rows/s
        var controller = new AimdRateController(10, Options with { ConfirmSamplesOver = 2 });
        controller.Observe(9, 8_000);

        // When one sample is far over the SLO (3x) and the next is back under
        var spike = controller.Observe(45, 8_000);
        var after = controller.Observe(9, 8_000);

        // Then neither moves the rate, and the spike says what it waits for
        spike.Change.ShouldBe(SloChange.Hold);
        spike.State.ShouldBe(SloState.Unlimited);
        spike.Reason.ShouldContain("1 sample(s) over the SLO, rate held until 2 in a row confirm a breach");
        after.State.ShouldBe(SloState.Unlimited);

        // When two samples in a row are over it, Then the second halves the rate
        controller.Observe(20, 8_000).Change.ShouldBe(SloChange.Hold);
        var slow = controller.Observe(20, 8_000);
        slow.Change.ShouldBe(SloChange.Slow);
        slow.AllowedRowsPerSecond.ShouldBe(4_000);

        // When a quiet sample raises the rate and the next is far over, Then the raise is undone at once, unconfirmed
        controller.Observe(9, 4_000).AllowedRowsPerSecond.ShouldBe(4_500);
        var undone = controller.Observe(31, 4_500);
        undone.Change.ShouldBe(SloChange.Slow);
        undone.AllowedRowsPerSecond.ShouldBe(4_000);

        // When a second sample in a row confirms a breach far over (2x the SLO or more), Then it pauses
        controller.Observe(31, 4_000).Change.ShouldBe(SloChange.Pause);
    }

    [Fact]
    public void Validate_ConfirmMoreThanPauseAfter_FailsNamingBoth()
    {
        // Given / When
        var error = Should.Throw<SwitchyardException>(() => new AimdRateController(10, Options with { ConfirmSamplesOver = 4 }));

        // Then
        error.Message.ShouldContain("confirm (4) at most pause-after (3)");
    }

    [Fact]
    public void Observe_OverTheSloBeforeAnyRowWasWritten_LimitsToTheMinimumRate()
    {
        // Given a controller that has not seen the backfill run yet
        var controller = new AimdRateController(10, Options);

        // When the first sample is over the SLO with nothing observed
        var first = controller.Observe(20, 0);

        // Then it holds the backfill to the minimum rate rather than letting it run unlimited
        first.Change.ShouldBe(SloChange.Slow);
        first.AllowedRowsPerSecond.ShouldBe(100);

        // And without a ceiling it climbs by the fixed step
        controller.Observe(10, 100).AllowedRowsPerSecond.ShouldBe(600);
    }

    [Fact]
    public void Observe_AbsoluteSlo_IgnoresTheBaseline()
    {
        // Given an absolute SLO of 40 ms over a 10 ms baseline
        var controller = new AimdRateController(10, Options with { Target = new LatencySloTarget(null, TimeSpan.FromMilliseconds(40)) });

        // When p99 is 30 ms (3x the baseline, under 40 ms)
        var decision = controller.Observe(30, 5_000);

        // Then it holds unthrottled
        controller.SloMs.ShouldBe(40);
        decision.Change.ShouldBe(SloChange.Hold);
        decision.State.ShouldBe(SloState.Unlimited);
    }

    [Theory]
    [InlineData("1.5x", 1.5, null)]
    [InlineData("2", 2.0, null)]
    [InlineData("25ms", null, 25.0)]
    public void TryParse_ValidSlo_ReadsMultipleOrLatency(string text, double? multiple, double? ms)
    {
        // Given / When
        LatencySloTarget.TryParse(text, out var target, out _).ShouldBeTrue();

        // Then
        target.ShouldNotBeNull().BaselineMultiple.ShouldBe(multiple);
        target.Absolute?.TotalMilliseconds.ShouldBe(ms!.Value);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0.9x")]
    [InlineData("-5ms")]
    public void TryParse_BadSlo_FailsNamingTheValue(string text)
    {
        // Given / When
        var ok = LatencySloTarget.TryParse(text, out _, out var error);

        // Then
        ok.ShouldBeFalse();
        error.ShouldContain($"'{text}'");
    }

    [Fact]
    public void TryParse_Off_GivesNoTarget()
    {
        // Given / When / Then
        LatencySloTarget.TryParse("off", out var target, out _).ShouldBeTrue();
        target.ShouldNotBeNull().IsOff.ShouldBeTrue();
    }
}
