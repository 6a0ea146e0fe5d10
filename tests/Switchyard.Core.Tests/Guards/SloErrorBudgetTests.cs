using Switchyard.Core.Guards.Slo;

namespace Switchyard.Core.Tests.Guards;

public sealed class SloErrorBudgetTests
{
    // Baseline 10 ms, SLO 15 ms; the budget is 1% of the operations over 15 ms.
    private static readonly LatencySloOptions Options = new() { StartRowsPerSecond = null, IncreaseRowsPerSecond = 500, IncreaseShareOfCeiling = 0, ErrorBudgetDecides = true, ConfirmSamplesOver = 1, RaiseEverySamples = 1, SteerAtSloShare = 1 };

    // One sample over the SLO cuts 10,000 rows/s to 5,000, with the given share of its 1,000 operations over the SLO.
    private static AimdRateController LimitedAt5000(int overSloOfFirst1000)
    {
        var controller = new AimdRateController(10, Options);
        controller.Observe(new LatencySample(20, 1_000, overSloOfFirst1000), 10_000).AllowedRowsPerSecond.ShouldBe(5_000);
        return controller;
    }

    [Fact]
    public void Observe_HalfTheBudgetSpent_HoldsTheRateInsteadOfClimbing()
    {
        // Given a limited controller (one sample over the SLO cut 10,000 rows/s to 5,000)
        var controller = LimitedAt5000(overSloOfFirst1000: 6);

        // When the next p99 is well under the SLO but 6 of 1,000 operations so far were over it (60% of the budget)
        var held = controller.Observe(new LatencySample(9, 0, 0), 5_000);

        // Then the rate holds, saying why
        held.Change.ShouldBe(SloChange.Hold);
        held.AllowedRowsPerSecond.ShouldBe(5_000);
        held.ErrorBudgetSpent.ShouldNotBeNull().ShouldBe(0.6, 1e-9);
        held.Reason.ShouldContain("60% of the error budget spent, half the error budget spent, rate held");
    }

    [Fact]
    public void Observe_BudgetOverspentWhileRecentOperationsStillSpendIt_CutsThenRecovers()
    {
        // Given a limited controller whose first 1,000 operations had 15 over the SLO (150% of the budget)
        var controller = LimitedAt5000(overSloOfFirst1000: 15);

        // When a sample under the SLO still has 1% of its operations over it
        var cut = controller.Observe(new LatencySample(12, 1_000, 10), 5_000);

        // Then the rate is cut though the p99 is under the SLO
        cut.Change.ShouldBe(SloChange.Slow);
        cut.AllowedRowsPerSecond.ShouldBe(2_500);
        cut.Reason.ShouldContain("error budget spent: 2,500 rows/s");

        // When the recent operations stop spending it, Then the rate holds while the budget is over half spent
        var held = controller.Observe(new LatencySample(9, 2_000, 0), 2_500);
        held.Change.ShouldBe(SloChange.Hold);
        held.ErrorBudgetSpent.ShouldNotBeNull().ShouldBe(25.0 / 40, 1e-9);

        // When enough fast operations pay the budget back under half, Then the rate climbs again
        var up = controller.Observe(new LatencySample(9, 2_000, 0), 2_500);
        up.Change.ShouldBe(SloChange.SpeedUp);
        up.AllowedRowsPerSecond.ShouldBe(3_000);
    }

    [Fact]
    public void Observe_BudgetHalfSpentInSlowStart_StopsDoubling()
    {
        // Given a slow start at 1,000 rows/s
        var controller = new AimdRateController(10, new LatencySloOptions { StartRowsPerSecond = 1_000, ErrorBudgetDecides = true, SteerAtSloShare = 1 });

        // When the p99 is under the SLO but 7 of 1,000 operations were over it
        var decision = controller.Observe(new LatencySample(12, 1_000, 7), 1_000);

        // Then the rate stays at 1,000 rows/s
        decision.Change.ShouldBe(SloChange.Hold);
        decision.AllowedRowsPerSecond.ShouldBe(1_000);
    }

    [Fact]
    public void Observe_P99Only_LeavesTheBudgetUnknown()
    {
        // Given / When a sample with no operations counted
        var decision = new AimdRateController(10, Options).Observe(9, 1_000);

        // Then no budget is claimed
        decision.ErrorBudgetSpent.ShouldBeNull();
        decision.Reason.ShouldNotContain("error budget");
    }

    [Fact]
    public void Observe_FewerOperationsThanTheMinimum_LeavesTheBudgetOutOfTheDecision()
    {
        // Given a controller with the default 1,000-operation minimum, limited at 5,000 rows/s
        var controller = new AimdRateController(10, Options);
        controller.Observe(new LatencySample(20, 5, 5), 10_000);

        // When 5 canary probes of 10 were over the SLO but the p99 is under it
        var decision = controller.Observe(new LatencySample(9, 5, 0), 5_000);

        // Then the budget (5,000% spent) is reported but the rate climbs
        decision.ErrorBudgetSpent.ShouldNotBeNull().ShouldBe(50, 1e-9);
        decision.Change.ShouldBe(SloChange.SpeedUp);
    }

    [Fact]
    public void Observe_ABurstLeavesTheWindow_TheRateClimbsAgain()
    {
        // Given a budget window of 3 samples and a burst: 30 of 1,000 operations over the SLO (the rate is cut to 5,000)
        var controller = new AimdRateController(10, Options with { ErrorBudgetWindowSamples = 3 });
        controller.Observe(new LatencySample(20, 1_000, 30), 10_000).AllowedRowsPerSecond.ShouldBe(5_000);

        // When two quiet samples follow, Then the burst still spends the whole budget and the rate holds
        controller.Observe(new LatencySample(9, 1_000, 0), 5_000).Change.ShouldBe(SloChange.Hold);
        var held = controller.Observe(new LatencySample(9, 1_000, 0), 5_000);
        held.Change.ShouldBe(SloChange.Hold);
        held.ErrorBudgetSpent.ShouldNotBeNull().ShouldBe(1, 1e-9);

        // When a third quiet sample pushes the burst out of the window, Then nothing is spent and the rate climbs
        var up = controller.Observe(new LatencySample(9, 1_000, 0), 5_000);
        up.ErrorBudgetSpent.ShouldNotBeNull().ShouldBe(0, 1e-9);
        up.Change.ShouldBe(SloChange.SpeedUp);
    }

    [Fact]
    public void Observe_BudgetSpentByDefault_IsReportedButTheRateClimbs()
    {
        // Given the default options (the budget measured, not deciding), limited at 5,000 rows/s
        var controller = new AimdRateController(10, new LatencySloOptions { StartRowsPerSecond = null, ConfirmSamplesOver = 1, RaiseEverySamples = 1 });
        controller.Observe(new LatencySample(20, 1_000, 30), 10_000).AllowedRowsPerSecond.ShouldBe(5_000);

        // When a quiet sample follows while the budget is overspent
        var decision = controller.Observe(new LatencySample(9, 1_000, 0), 5_000);

        // Then the spent share is reported and the rate still climbs
        decision.ErrorBudgetSpent.ShouldNotBeNull().ShouldBe(1.5, 1e-9);
        decision.Change.ShouldBe(SloChange.SpeedUp);
    }
}
