using Switchyard.Samples.Ledger.Cli.Demo;

namespace Switchyard.IntegrationTests.Demo;

/// <summary>The verdict's latency part on its own (no database): authorization p99 per phase against the baseline's.</summary>
public sealed class AuthorizationSloTests
{
    private static DemoPhase Phase(string name, long authorizations, double authP99Ms, double reportP99Ms = 900) => new(
        name, 0, 1, authorizations + 1, 0, 1, authP99Ms, authP99Ms, 0, null, "",
        [
            new OperationLatency("authorize", authorizations, authP99Ms / 2, authP99Ms, authP99Ms, authP99Ms, 0),
            new OperationLatency("regulatory_report", 1, reportP99Ms, reportP99Ms, reportP99Ms, reportP99Ms, 0),
        ]);

    [Fact]
    public void AuthorizationSlo_PhaseOverTheMultiple_FailsNamingThePhase()
    {
        // Given a baseline at 10 ms and a backfill phase at 16 ms, with a 1.5× SLO (15 ms)
        DemoPhase[] phases = [Phase("baseline", 100, 10), Phase("expand", 50, 14), Phase("backfill", 80, 16), Phase("contract", 20, 9)];

        // When judged
        var slo = AuthorizationSlo.Evaluate(phases, 1.5);

        // Then the check fails on exactly that phase, and the message names it and the limit
        slo.LimitMs.ShouldBe(15);
        slo.Passed.ShouldBeFalse();
        slo.Phases.Where(p => p.Within == false).Select(p => p.Phase).ShouldBe(["backfill"]);
        slo.Violations.Count.ShouldBe(1);
        slo.Violations[0].ShouldContain("'backfill'");
        slo.Violations[0].ShouldContain("16.0 ms");
        slo.Violations[0].ShouldContain("15.0 ms");
    }

    [Fact]
    public void AuthorizationSlo_SlowRegulatoryReportOnly_Passes()
    {
        // Given every phase's authorizations within 1.5× the baseline, but a regulatory report far slower than that
        DemoPhase[] phases = [Phase("baseline", 100, 10, reportP99Ms: 50), Phase("backfill", 80, 15, reportP99Ms: 4000)];

        // When judged
        var slo = AuthorizationSlo.Evaluate(phases, 1.5);

        // Then the report does not count against the payments' SLO (15 ms is within, the limit inclusive)
        slo.Passed.ShouldBeTrue(string.Join(" | ", slo.Violations));
        slo.Violations.ShouldBeEmpty();
    }

    [Fact]
    public void AuthorizationSlo_PhaseWithoutAuthorizations_IsNotJudged()
    {
        // Given a contract phase too short for any authorization
        DemoPhase[] phases = [Phase("baseline", 100, 10), Phase("contract", 0, 0)];

        // When judged
        var slo = AuthorizationSlo.Evaluate(phases, 1.5);

        // Then that phase is left out of the verdict instead of passing or failing on a zero
        slo.Phases.Single(p => p.Phase == "contract").Within.ShouldBeNull();
        slo.Passed.ShouldBeTrue();
    }

    [Fact]
    public void AuthorizationSlo_BaselineWithoutAuthorizations_Fails()
    {
        // Given no authorization completed in the baseline
        DemoPhase[] phases = [Phase("baseline", 0, 0), Phase("expand", 10, 5)];

        // When judged
        var slo = AuthorizationSlo.Evaluate(phases, 1.5);

        // Then there is nothing to compare with: the check fails and says why
        slo.Passed.ShouldBeFalse();
        slo.Violations.ShouldHaveSingleItem().ShouldContain("baseline");
    }

    [Fact]
    public void DemoResult_SloViolated_ProofFailsWithTheViolationAndProblemsUntouched()
    {
        // Given a run without problems whose backfill phase broke the SLO
        var result = new DemoResult { Options = new DemoOptions { Cluster = new(), MigratorPath = "", Migration = DemoMigration.Spec(""), ReportDirectory = "" } };
        result.Phases.AddRange([Phase("baseline", 100, 10), Phase("backfill", 80, 40)]);

        // When the SLO is evaluated
        result.LatencySlo = AuthorizationSlo.Evaluate(result.Phases, 1.5);

        // Then the proof fails (exit 3) on the SLO alone, and the other verdict parts stay as they were
        result.Passed.ShouldBeFalse();
        result.Problems.ShouldBeEmpty();
        result.Failures.ShouldHaveSingleItem().ShouldContain("'backfill'");
    }
}
