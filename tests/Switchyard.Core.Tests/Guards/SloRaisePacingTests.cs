using Switchyard.Core.Guards.Slo;

namespace Switchyard.Core.Tests.Guards;

/// <summary>The default pacing of raises: one per two samples at a rate, undone at once by a breach right after it.</summary>
public sealed class SloRaisePacingTests
{
    // Default options: slow start at 1,000 rows/s, two samples confirm a breach, a raise every two samples.
    // Baseline 10 ms, SLO 15 ms, steered under 13.5 ms (90% of it), hold band above 12 ms.
    private static readonly LatencySloOptions Defaults = new();

    [Fact]
    public void Observe_DefaultSlowStartOverTheBaseline_DoublesEverySecondSampleAndABreachRightAfterUndoesIt()
    {
        // Given a controller with the default options
        var controller = new AimdRateController(10, Defaults);

        // When p99 stays at the baseline, Then the rate doubles every sample
        controller.Observe(9, 1_000).AllowedRowsPerSecond.ShouldBe(2_000);
        controller.Observe(10, 1_500).AllowedRowsPerSecond.ShouldBe(4_000);

        // When p99 is over the baseline (still under the hold band), Then each doubling waits for a full sample at the rate
        var held = controller.Observe(11, 3_000);
        held.Change.ShouldBe(SloChange.Hold);
        held.AllowedRowsPerSecond.ShouldBe(4_000);
        held.Reason.ShouldContain("over the baseline, rate held until it has run a full sample");
        controller.Observe(11, 4_000).AllowedRowsPerSecond.ShouldBe(8_000);

        // When the sample right after that doubling is over the SLO, Then the doubling is undone without waiting for a second one
        var undone = controller.Observe(20, 6_000);
        undone.Change.ShouldBe(SloChange.Slow);
        undone.AllowedRowsPerSecond.ShouldBe(4_000);
        undone.Reason.ShouldContain("over 90% of the SLO 1 sample(s) after a raise, raise undone, the next one waits 4 samples");

        // And slow start is over, and the next raise waits twice as long: four samples at 4,000, then the additive 500 rows/s
        for (var i = 0; i < 3; i++) controller.Observe(11, 4_000).Change.ShouldBe(SloChange.Hold);
        controller.Observe(11, 4_000).AllowedRowsPerSecond.ShouldBe(4_500);
    }

    [Fact]
    public void Observe_RaisesUndoneInARow_DoubleTheWaitUpToItsLongestAndARaiseThatHoldsResetsIt()
    {
        // Given a controller doubled to 2,000 rows/s whose raises wait 2 samples, at most 8
        var controller = new AimdRateController(10, Defaults with { MaxRaiseWaitSamples = 8 });
        controller.Observe(11, 1_000).AllowedRowsPerSecond.ShouldBe(2_000);

        // When every raise is followed by a sample over the SLO, Then each undo doubles the wait: 4, 8, then 8 again
        Undone(controller, 2_000, waits: 4);
        HoldThenRaise(controller, wait: 4, at: 1_000, to: 1_500);
        Undone(controller, 1_500, waits: 8);
        HoldThenRaise(controller, wait: 8, at: 1_000, to: 1_500);
        Undone(controller, 1_500, waits: 8);
        HoldThenRaise(controller, wait: 8, at: 1_000, to: 1_500);

        // When that raise holds for its wait, Then the raise after it is back on the default pace of 2 samples
        HoldThenRaise(controller, wait: 8, at: 1_500, to: 2_000);
        controller.Observe(11, 2_000).Reason.ShouldContain("over the baseline, rate held until it has run a full sample");
        controller.Observe(11, 2_000).AllowedRowsPerSecond.ShouldBe(2_500);
    }

    [Fact]
    public void Observe_ConfirmedCutAfterAnUndoneRaise_PutsRaisesBackOnTheDefaultPace()
    {
        // Given a controller whose raise to 2,000 rows/s was undone (the next one waiting 4 samples)
        var controller = new AimdRateController(10, Defaults);
        controller.Observe(11, 1_000).AllowedRowsPerSecond.ShouldBe(2_000);
        Undone(controller, 2_000, waits: 4);

        // When the next sample is over the SLO too (the second in a row)
        var cut = controller.Observe(20, 1_000);

        // Then the rate is cut, and the next raise waits the default 2 samples, not 4
        cut.Change.ShouldBe(SloChange.Slow);
        cut.AllowedRowsPerSecond.ShouldBe(500);
        controller.Observe(11, 500).Reason.ShouldContain("over the baseline, rate held until it has run a full sample");
        controller.Observe(11, 500).AllowedRowsPerSecond.ShouldBe(1_000);
    }

    [Fact]
    public void Observe_DefaultSteeringSampleUnderTheSloButOverNinetyPercentOfIt_UndoesTheRaiseItFollows()
    {
        // Given a controller with the default options, doubled to 2,000 rows/s, and one steering at the SLO itself
        var steered = new AimdRateController(10, Defaults);
        var atSlo = new AimdRateController(10, Defaults with { SteerAtSloShare = 1 });
        steered.Observe(11, 1_000).AllowedRowsPerSecond.ShouldBe(2_000);
        atSlo.Observe(11, 1_000).AllowedRowsPerSecond.ShouldBe(2_000);

        // When the next sample reads 14 ms: under the 15 ms SLO, over 90% of it
        var undone = steered.Observe(14, 2_000);
        var held = atSlo.Observe(14, 2_000);

        // Then the default controller undoes the raise and says what it steers under; at the SLO itself the rate is only held
        undone.Change.ShouldBe(SloChange.Slow);
        undone.AllowedRowsPerSecond.ShouldBe(1_000);
        undone.SloMs.ShouldBe(15);
        undone.Reason.ShouldContain("SLO 15.0 ms (1.5x, baseline p99 10.0 ms, steered under 13.5 ms)");
        undone.Reason.ShouldContain("over 90% of the SLO 1 sample(s) after a raise, raise undone");
        held.Change.ShouldBe(SloChange.Hold);
        held.AllowedRowsPerSecond.ShouldBe(2_000);
        held.Reason.ShouldContain("near the SLO, rate held");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1.2)]
    public void Validate_SteeringShareOutsideZeroToOne_FailsNamingTheValue(double share)
    {
        // Given / When
        var error = Should.Throw<SwitchyardException>(() => new AimdRateController(10, Defaults with { SteerAtSloShare = share }));

        // Then
        error.Message.ShouldContain($"steering share must be above 0 and at most 1, got {share.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
    }

    private static void Undone(AimdRateController controller, double at, int waits)
    {
        var undone = controller.Observe(20, at);
        undone.Change.ShouldBe(SloChange.Slow);
        undone.Reason.ShouldContain($"raise undone, the next one waits {waits} samples");
    }

    private static void HoldThenRaise(AimdRateController controller, int wait, double at, double to)
    {
        for (var i = 1; i < wait; i++)
        {
            var held = controller.Observe(11, at);
            held.Change.ShouldBe(SloChange.Hold);
            held.AllowedRowsPerSecond.ShouldBe(at);
            held.Reason.ShouldContain($"rate held {wait} samples before the next raise, since raises were undone ({i} so far)");
        }
        var raised = controller.Observe(11, at);
        raised.Change.ShouldBe(SloChange.SpeedUp);
        raised.AllowedRowsPerSecond.ShouldBe(to);
    }

    [Fact]
    public void Observe_BreachLongAfterTheLastRaise_WaitsForASecondSampleToConfirmIt()
    {
        // Given a controller doubled once to 2,000 rows/s, then held near the SLO for two samples
        var controller = new AimdRateController(10, Defaults);
        controller.Observe(9, 1_000).AllowedRowsPerSecond.ShouldBe(2_000);
        controller.Observe(13, 2_000).Change.ShouldBe(SloChange.Hold);
        controller.Observe(13, 2_000).Change.ShouldBe(SloChange.Hold);

        // When a sample is over the SLO three samples after the raise
        var lone = controller.Observe(20, 2_000);

        // Then the raise is no longer the suspect: the rate holds until a second sample confirms the breach
        lone.Change.ShouldBe(SloChange.Hold);
        lone.AllowedRowsPerSecond.ShouldBe(2_000);
        lone.Reason.ShouldContain("1 sample(s) over 90% of the SLO, rate held until 2 in a row confirm a breach");
        controller.Observe(20, 2_000).AllowedRowsPerSecond.ShouldBe(1_000);
    }

    [Fact]
    public void Validate_RaiseEveryZeroSamples_FailsNamingTheValue()
    {
        // Given / When
        var error = Should.Throw<SwitchyardException>(() => new AimdRateController(10, Defaults with { RaiseEverySamples = 0 }));

        // Then
        error.Message.ShouldContain("raise interval must be at least 1 sample (got 0)");
    }
}
