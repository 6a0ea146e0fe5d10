using Switchyard.Core.Guards.Slo;

namespace Switchyard.Core.Tests.Guards;

/// <summary>Attribution while paused: p99 that stays up with the backfill paused moves the baseline, within bounds.</summary>
public sealed class SloRebaseTests
{
    // The AIMD tests' controller (baseline 10 ms, SLO 15 ms, pause at 30 ms); three paused samples over the SLO re-measure the baseline.
    private static readonly LatencySloOptions Options = AimdRateControllerTests.Options with { RebaseAfterPausedSamples = 3, MaxBaselineRise = 3 };

    private static AimdRateController PausedAt4000(LatencySloOptions options)
    {
        var controller = new AimdRateController(10, options);
        controller.Observe(9, 8_000);
        controller.Observe(31, 8_000).State.ShouldBe(SloState.Paused);
        return controller;
    }

    [Fact]
    public void Observe_OverTheSloThroughThreePausedSamples_RemeasuresTheBaselineAndResumes()
    {
        // Given a backfill paused at 2x the SLO
        var controller = PausedAt4000(Options);

        // When p99 stays over the SLO for three paused samples
        controller.Observe(20, 0).Change.ShouldBe(SloChange.Hold);
        controller.Observe(24, 0).Change.ShouldBe(SloChange.Hold);
        var resumed = controller.Observe(22, 0);

        // Then the baseline is their median, the SLO 1.5x that, and the backfill resumes at half its pre-pause rate
        resumed.Change.ShouldBe(SloChange.Resume);
        resumed.State.ShouldBe(SloState.Limited);
        resumed.AllowedRowsPerSecond.ShouldBe(4_000);
        (resumed.BaselineMs, resumed.SloMs).ShouldBe((22, 33));
        resumed.Reason.ShouldContain("p99 stayed over the SLO with the backfill paused for 3 samples, so the foreground's own latency moved: baseline re-measured as their median 22.0 ms");

        // When p99 is back under the first SLO, Then the first baseline holds again
        var back = controller.Observe(12, 4_000);
        (back.BaselineMs, back.SloMs).ShouldBe((10, 15));
        back.Reason.ShouldContain("back under the first SLO, first baseline restored");
    }

    [Fact]
    public void Observe_PausedSamplesOverThreeTimesTheBaseline_StaysPaused()
    {
        // Given a paused backfill and a foreground at 4x its baseline on its own
        var controller = PausedAt4000(Options);

        // When three paused samples read 40 ms
        controller.Observe(40, 0);
        controller.Observe(40, 0);
        var held = controller.Observe(40, 0);

        // Then it stays paused on the first baseline, saying why
        held.State.ShouldBe(SloState.Paused);
        (held.BaselineMs, held.SloMs).ShouldBe((10, 15));
        held.Reason.ShouldContain("over 3x the first baseline): staying paused");
    }

    [Fact]
    public void Observe_AbsoluteSloPausedAndStillOver_NeverMovesIt()
    {
        // Given an absolute 15 ms SLO (the operator's limit)
        var controller = PausedAt4000(Options with { Target = new LatencySloTarget(null, TimeSpan.FromMilliseconds(15)) });

        // When five paused samples stay over it
        var held = Enumerable.Range(0, 5).Select(_ => controller.Observe(20, 0)).Last();

        // Then the backfill stays paused under the same SLO
        held.State.ShouldBe(SloState.Paused);
        held.SloMs.ShouldBe(15);
    }

    [Fact]
    public void Validate_NegativeRebaseSamplesOrRiseUnderOne_FailsNamingTheValue()
    {
        Should.Throw<SwitchyardException>(() => (Options with { RebaseAfterPausedSamples = -1 }).Validate()).Message.ShouldContain("got -1");
        Should.Throw<SwitchyardException>(() => (Options with { MaxBaselineRise = 0.5 }).Validate()).Message.ShouldContain("got 0.5");
    }
}
