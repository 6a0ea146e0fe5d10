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

    /// <summary>Feeds (p99, observed rows/s) samples in order, checking each decision's kind; returns the last decision.</summary>
    private static SloDecision Replay(AimdRateController controller, params (double P99Ms, double RowsPerSecond, SloChange Expected)[] samples)
    {
        SloDecision? last = null;
        foreach (var (p99, rows, expected) in samples)
        {
            last = controller.Observe(p99, rows);
            last.Change.ShouldBe(expected, $"sample p99 {p99} ms at {rows} rows/s");
        }
        return last.ShouldNotBeNull();
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
        resumed.Change.ShouldBe(SloChange.Rebase);
        resumed.State.ShouldBe(SloState.Limited);
        resumed.AllowedRowsPerSecond.ShouldBe(4_000);
        (resumed.BaselineMs, resumed.SloMs).ShouldBe((22, 33));
        resumed.Reason.ShouldContain("p99 over the SLO in most of the last 3 samples with the backfill paused or at its floor, so the foreground's own latency moved: baseline re-measured as their median 22.0 ms");

        // When p99 is back under the first SLO for one sample, or for a median just under it, Then the re-measured baseline still holds
        (controller.Observe(12, 4_000).BaselineMs, controller.Observe(26, 4_000).BaselineMs, controller.Observe(14, 4_000).BaselineMs).ShouldBe((22, 22, 22));
        controller.Observe(11, 4_000).BaselineMs.ShouldBe(22);

        // When the median of the last three samples is within the first SLO's hold band (80% of 15 ms), Then the first baseline holds again
        var back = controller.Observe(10, 4_000);
        back.Change.ShouldBe(SloChange.Rebase);
        (back.BaselineMs, back.SloMs).ShouldBe((10, 15));
        back.Reason.ShouldContain("back under the first SLO (the median of the samples since the re-measure within its hold band), first baseline restored");
    }

    [Fact]
    public void Observe_ForegroundHoveringOverTheSloAcrossShortPauses_RemeasuresTheBaselineInsteadOfSittingAtTheFloor()
    {
        // Given a backfill paused at 2x the SLO
        var controller = PausedAt4000(Options);

        // When each pause ends with one lucky sample under the SLO, and the foreground is over it again at the floor rate
        var again = Replay(controller, (24, 0, SloChange.Hold), (12, 0, SloChange.Resume), (35, 2_000, SloChange.Pause), (26, 0, SloChange.Rebase));

        // Then the paused samples of both pauses count together (24, 12, 26: median 24 over the SLO): the baseline is re-measured and the backfill resumes
        (again.BaselineMs, again.SloMs).ShouldBe((24, 36));
        again.State.ShouldBe(SloState.Limited);
    }

    [Fact]
    public void Observe_BackfillCausedBreachThatClearsWhilePaused_KeepsTheFirstBaseline()
    {
        // Given a backfill paused at 2x the SLO
        var controller = PausedAt4000(Options);

        // When p99 drops under the SLO each time it pauses and climbs over it each time it runs
        var held = Replay(controller, (12, 0, SloChange.Resume), (31, 2_000, SloChange.Pause), (11, 0, SloChange.Resume), (31, 1_000, SloChange.Pause), (16, 0, SloChange.Hold));

        // Then the paused samples (12, 11, 16: median 12) clear the foreground: the baseline stays the first one and the backfill stays paused
        (held.BaselineMs, held.SloMs).ShouldBe((10, 15));
        held.State.ShouldBe(SloState.Paused);
    }

    [Fact]
    public void Observe_OverTheSloAtTheFloorRate_RemeasuresTheBaselineAndClimbsFromTheFloor()
    {
        // Given a backfill cut to its floor of 100 rows/s
        var controller = new AimdRateController(10, Options with { PauseAfterSamplesOver = 10 });
        controller.Observe(9, 400);
        controller.Observe(16, 400);
        controller.Observe(16, 200);

        // When the foreground stays over the SLO for three samples at that rate
        controller.Observe(16, 100).AllowedRowsPerSecond.ShouldBe(100);
        controller.Observe(17, 100).Change.ShouldBe(SloChange.Slow);
        var rebased = controller.Observe(18, 100);

        // Then the floor-rate samples (16, 17, 18) re-measure the baseline, and the backfill goes on from the floor under 1.5x that
        rebased.Change.ShouldBe(SloChange.Rebase);
        (rebased.BaselineMs, rebased.SloMs, rebased.AllowedRowsPerSecond).ShouldBe((17, 25.5, 100));
        rebased.Reason.ShouldContain("with the backfill paused or at its floor, so the foreground's own latency moved");
        controller.Observe(18, 100).Change.ShouldBe(SloChange.SpeedUp);
    }

    [Fact]
    public void Observe_PausedSamplesOlderThanTheWindow_NoLongerCount()
    {
        // Given a window of four samples, and a pause whose two samples read over the SLO
        var controller = PausedAt4000(Options with { RebaseWindowSamples = 4 });
        controller.Observe(24, 0);
        controller.Observe(12, 0).Change.ShouldBe(SloChange.Resume);

        // When the backfill runs for three samples, pauses again and reads over the SLO once
        controller.Observe(9, 1_000);
        controller.Observe(9, 1_000);
        controller.Observe(31, 1_000).Change.ShouldBe(SloChange.Pause);
        var held = controller.Observe(26, 0);

        // Then the first pause's samples left the window: one paused sample is not enough, so the backfill stays paused
        held.Change.ShouldBe(SloChange.Hold);
        held.BaselineMs.ShouldBe(10);
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
        held.Reason.ShouldContain("with the backfill paused or at its floor (median 40.0 ms, over 3x the first baseline): staying paused");
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
        Should.Throw<SwitchyardException>(() => (Options with { RebaseWindowSamples = 2 }).Validate()).Message.ShouldContain("(got 2)");
    }

    [Fact]
    public void JournalKind_ReMeasureThenRestore_AreTwoEntriesWhileARunOfCutsIsOne()
    {
        // Given a backfill paused at 2x the SLO whose foreground stays up on its own, then comes back down
        var controller = PausedAt4000(Options);
        var remeasured = Replay(controller, (20, 0, SloChange.Hold), (24, 0, SloChange.Hold), (22, 0, SloChange.Rebase));
        foreach (var p99 in new double[] { 12, 26, 14, 11 }) controller.Observe(p99, 4_000);
        var restored = controller.Observe(10, 4_000);

        // When the journal keys both rebases and two cuts in a row
        var cut = new SloDecision(SloState.Limited, SloChange.Slow, 20, 15, 10, 2_000, "over");

        // Then each baseline the SLO moved to is its own entry, and the cuts share one
        (remeasured.Change, restored.Change).ShouldBe((SloChange.Rebase, SloChange.Rebase));
        LatencySloThrottle.JournalKind(remeasured).ShouldNotBe(LatencySloThrottle.JournalKind(restored));
        LatencySloThrottle.JournalKind(cut).ShouldBe(LatencySloThrottle.JournalKind(cut with { AllowedRowsPerSecond = 1_000 }));
    }
}
