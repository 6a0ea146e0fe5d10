using Switchyard.Samples.Ledger.Cli.Demo;

namespace Switchyard.IntegrationTests.Demo;

/// <summary>The HTML and JSON reports of a made-up run (no database): per-operation latency and the SLO verdict reach both.</summary>
public sealed class DemoReportTests
{
    private static DemoResult SlowBackfillRun(string reports)
    {
        var result = new DemoResult { Options = new DemoOptions { Cluster = new(), MigratorPath = "", Migration = DemoMigration.Spec(""), ReportDirectory = reports, Faults = true } };
        result.Phases.AddRange(
        [
            Phase("baseline", 0, 16, authP99Ms: 10),
            Phase("backfill", 16, 40, authP99Ms: 42),
            Phase("contract", 40, 40.2, authP99Ms: 11),
            Phase("after", 40.2, 48, authP99Ms: 9),
        ]);
        result.Faults.AddRange([new InjectedFault(20, "standby replay paused", "pg_wal_replay_pause()"), new InjectedFault(25, "standby replay resumed", "pg_wal_replay_resume()")]);
        result.Lag = [new LagSample(1, 0, 0), new LagSample(22, 4096, 1.5), new LagSample(30, 0, 0)];
        result.LatencySlo = AuthorizationSlo.Evaluate(result.Phases, 1.5);
        return result;
    }

    private static DemoPhase Phase(string name, double start, double end, double authP99Ms) => new(
        name, start, end, 100, 0, 5, authP99Ms, authP99Ms, 0, null, "",
        [
            new OperationLatency("authorize", 40, authP99Ms / 2, authP99Ms, authP99Ms, authP99Ms + 1, 0),
            new OperationLatency("regulatory_report", 2, 300, 310, 320, 321, 0),
        ]);

    [Fact]
    public async Task DemoHtmlReport_SloViolated_NamesThePhaseAndListsLatencyPerOperation()
    {
        // Given a run whose backfill phase's authorization p99 is 4.2× the baseline's
        var result = SlowBackfillRun(Directory.CreateTempSubdirectory("switchyard-demo-report-").FullName);

        // When the HTML report is written
        var html = await File.ReadAllTextAsync(await DemoHtmlReport.WriteAsync(result, CancellationToken.None));

        // Then the verdict names the phase, every (phase, operation) has its row, and the four charts are there
        html.ShouldContain("authorization p99 in phase &#39;backfill&#39; was 42.0 ms, above the SLO of 15.0 ms");
        html.ShouldContain("<td>backfill</td><td>authorize</td><td>40</td><td>0</td><td>21.0</td><td>42.0</td><td>42.0</td><td>43.0</td><td>OVER</td>");
        html.ShouldContain("<td>backfill</td><td>regulatory_report</td>");
        foreach (var title in DemoHtmlReport.ChartTitles) html.ShouldContain(title);
        html.Split("data:image/png;base64,").Length.ShouldBe(5);
    }

    [Fact]
    public void DemoJsonReport_SloViolated_VerdictFailsWithTheViolation()
    {
        // Given the same run
        var result = SlowBackfillRun(Path.GetTempPath());

        // When rendered as JSON
        using var json = System.Text.Json.JsonDocument.Parse(DemoJsonReport.Render(result));

        // Then the verdict failed on the SLO alone and each phase has its operations keyed by name
        var verdict = json.RootElement.GetProperty("verdict");
        verdict.GetProperty("passed").GetBoolean().ShouldBeFalse();
        verdict.GetProperty("problems").GetArrayLength().ShouldBe(0);
        verdict.GetProperty("failures").EnumerateArray().Single().GetString().ShouldNotBeNull().ShouldContain("'backfill'");
        var phases = json.RootElement.GetProperty("phases").EnumerateArray().ToList();
        phases[1].GetProperty("latency").GetProperty("authorize").GetProperty("p99_ms").GetDouble().ShouldBe(42);
        phases[1].GetProperty("latency").GetProperty("regulatory_report").GetProperty("count").GetInt64().ShouldBe(2);
    }
}
