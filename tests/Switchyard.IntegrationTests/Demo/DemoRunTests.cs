using System.Text.Json;
using Switchyard.Samples.Ledger.Cli.Commands;
using Switchyard.Samples.Ledger.Cli.Demo;
using Switchyard.Core.LocalPostgres;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Demo;

/// <summary>
/// The README's demo, shorter: the flagship migration through every phase under payments traffic, with the real
/// switchyard program as the migrator. Its own cluster home (it adds a standby), so the shared test cluster stays simple.
/// </summary>
[Collection(nameof(DemoCluster))]
public sealed class DemoRunTests
{
    private static DemoOptions Options(string database, bool faults, string reports, bool ef = false) => new()
    {
        Cluster = new LocalClusterOptions { Home = DemoCluster.Home, Fast = true },
        MigratorPath = Path.Combine(AppContext.BaseDirectory, "switchyard.dll"),
        Migration = ef
            ? DemoMigration.Ef(Path.Combine(AppContext.BaseDirectory, "Ledger.EntityFramework.dll"))
            : DemoMigration.Spec(Path.Combine(AppContext.BaseDirectory, "specs", "001-normalize-transaction-status.yaml")),
        Database = database,
        Rows = 20_000,
        OperationsPerSecond = 40,
        PhaseTime = TimeSpan.FromSeconds(2),
        BackfillTime = TimeSpan.FromSeconds(8),
        Faults = faults,
        ReportDirectory = reports,
        LongTransactionHold = TimeSpan.FromSeconds(3),
        ReplayPause = TimeSpan.FromSeconds(2),
    };

    private static async Task<DemoResult> RunAsync(DemoOptions options)
    {
        var result = await new DemoOrchestrator(options, _ => { }).RunAsync(CancellationToken.None);
        result.ReportPath = await DemoHtmlReport.WriteAsync(result, CancellationToken.None);
        return result;
    }

    private static void AssertZeroDowntimeProof(DemoResult result)
    {
        // Zero failed payment operations across the migration
        result.Workload.ShouldNotBeNull();
        result.Workload.TotalOperations.ShouldBeGreaterThan(0);
        result.Workload.TotalFailed.ShouldBe(0, string.Join(" | ", result.Workload.Operations.SelectMany(o => o.Errors)));
        // Every phase ran, through Contract, with the real program
        result.Phases.Select(p => p.Name).ShouldBe(
            ["baseline", "expand", "deploy v2", "backfill", "validate", "cutover: shadow", "cutover: reads 1%", "cutover: reads 10%",
             "cutover: reads 50%", "cutover: reads 100%", "cutover: new_only", "contract", "after"]);
        result.MigratorRuns.ShouldContain(r => r.Phase == "contract" && r.ExitCode == 0);
        // The runs with a validation gate or an index build keep each statement to one process
        result.MigratorRuns.Where(r => r.Phase is "validate" or "contract").ShouldAllBe(r => r.CommandLine.Contains("--parallel-workers 0", StringComparison.Ordinal));
        result.Steps.ShouldNotBeEmpty();
        result.Steps.ShouldAllBe(s => s.Status == "done");
        // Money: the seeded rows unchanged; totals moved by exactly what the workload did; every row has a state
        var inv = result.Invariants.ShouldNotBeNull();
        inv.SeededBefore.SameMoneyAs(inv.SeededAfter).ShouldBeTrue($"{inv.SeededBefore} vs {inv.SeededAfter}");
        inv.TotalsExplained.ShouldBeTrue($"{inv.TotalBefore} → {inv.TotalAfter}, {inv.AuthorizationsSucceeded} authorizations, {inv.ChargebacksSucceeded} chargebacks");
        inv.StatesComplete.ShouldBeTrue(inv.TotalAfter.ToString());
        // Validation green at the Validate gate and after Contract
        result.Validations.Count.ShouldBe(2);
        result.Validations.ShouldAllBe(v => v.Passed);
        result.Problems.ShouldBeEmpty();
        // Per-operation latency in every phase, and the authorization SLO judged on every phase with an authorization
        result.Phases.ShouldAllBe(p => p.ByOperation.Any(o => o.Operation == "authorize") && p.ByOperation.Any(o => o.Operation == "regulatory_report"));
        var slo = result.LatencySlo.ShouldNotBeNull();
        slo.Phases.Select(p => p.Phase).ShouldBe(result.Phases.Select(p => p.Name));
        result.Passed.ShouldBe(slo.Passed);
        // The report file with its four charts, each a real PNG
        AssertReportCharts(result.ReportPath);
        result.Lag.ShouldNotBeEmpty();
        result.Progress.ShouldNotBeEmpty();
    }

    private static void AssertReportCharts(string? reportPath)
    {
        File.Exists(reportPath).ShouldBeTrue();
        var html = File.ReadAllText(reportPath!);
        foreach (var title in DemoHtmlReport.ChartTitles) html.ShouldContain(title);
        var images = html.Split("data:image/png;base64,").Skip(1).Select(part => Convert.FromBase64String(part[..part.IndexOf('"', StringComparison.Ordinal)])).ToList();
        images.Count.ShouldBe(4);
        images.ShouldAllBe(png => png.Length > 1000 && png[0] == 0x89 && png[1] == (byte)'P' && png[2] == (byte)'N' && png[3] == (byte)'G');
    }

    [Fact]
    public async Task DemoEf_EfGeneratedFlagshipUnderPaymentsTraffic_NoFailedPaymentMoneyUnchangedAndEfHistoryRecordsIt()
    {
        // Given a fresh demo ledger, payments traffic, and EF Core's generated flagship migration instead of the spec
        var reports = Directory.CreateTempSubdirectory("switchyard-demo-").FullName;
        var options = Options("demo_test_ef", faults: false, reports, ef: true);

        // When the demo runs it with `switchyard ef apply` phase by phase
        var result = await RunAsync(options);

        // Then every migrator run was ef apply (or cutover) on the EF migration id, the proof holds, and EF's history has it
        options.Migration.Name.ShouldEndWith("_NormalizeTransactionStatus");
        result.MigratorRuns.Where(r => r.Phase is "expand" or "backfill" or "validate" or "contract")
            .ShouldAllBe(r => r.CommandLine.StartsWith("switchyard ef apply --assembly <assembly> --migration " + options.Migration.Name, StringComparison.Ordinal));
        AssertZeroDowntimeProof(result);
        result.EfHistoryVersion.ShouldNotBeNull();
        result.EfHistoryVersion.ShouldStartWith("10.");
    }

    [Fact]
    public async Task Demo_WithFaults_SurvivesALongTransactionAReplayPauseAKill9AndATerminatedBackend()
    {
        // Given the same demo with faults injected
        var reports = Directory.CreateTempSubdirectory("switchyard-demo-").FullName;

        // When it runs
        var result = await RunAsync(Options("demo_test_faults", faults: true, reports));

        // Then every fault was injected
        result.Faults.ShouldNotContain(f => f.Detail.StartsWith("not injected", StringComparison.Ordinal), string.Join(" | ", result.Faults));
        // And Expand waited outside the lock queue for the long transaction's pid (journaled by the migrator)
        var holder = result.Faults.First(f => f.Fault == "long transaction").Detail.Split(' ')[1];
        var waited = result.Faults.Single(f => f.Fault == "expand waited outside the lock queue").Detail;
        waited.ShouldContain("add_target");
        System.Text.RegularExpressions.Regex.IsMatch(waited, $@"outside the lock queue for pid\(s\) ([0-9]+, )*{holder}\b").ShouldBeTrue(waited);
        // And the migrator was killed mid-backfill and the journal shows both attempts of the backfill step
        result.MigratorRuns.ShouldContain(r => r.Phase == "backfill" && r.Killed);
        result.MigratorRuns.ShouldContain(r => r.Phase == "backfill" && r.ExitCode == 0);
        result.Steps.Single(s => s.Step.StartsWith("backfill", StringComparison.Ordinal)).Attempts.ShouldBeGreaterThanOrEqualTo(2);
        result.JournalRuns.Count(e => e.Kind == "run_started" && e.Message.Contains("Backfill", StringComparison.Ordinal)).ShouldBeGreaterThanOrEqualTo(2);
        // And nothing a payment could see went wrong
        AssertZeroDowntimeProof(result);
    }

    [Fact]
    public async Task DemoJson_FlagshipWithoutFaults_OneDocumentProvingNoFailedPaymentEqualMoneyAndTheSloPerPhase()
    {
        // Given the real program, the demo's cluster and the smallest settings of the other tests (2 s phases: 30 s of traffic);
        // this is also the plain (no faults) demo's proof, so CI runs the demo once for both
        var reports = Directory.CreateTempSubdirectory("switchyard-demo-").FullName;

        // When the demo runs with --json
        var run = await CliRunner.RunSampleAsync(["demo", "--home", DemoCluster.Home, "--database", "demo_test_json", "--rows", "20000", "--tps", "40",
            "--duration", "30s", "--latency-slo", "1.5", "--report-dir", reports, "--json"]);

        // Then stdout is one JSON document (progress went to stderr)
        using var json = JsonDocument.Parse(run.StdOut);
        var root = json.RootElement;
        run.StdErr.ShouldContain("phase backfill");
        // And every phase has authorization latency measured from real payments, and the regulatory report on its own
        var phases = root.GetProperty("phases").EnumerateArray().ToList();
        phases.Select(p => p.GetProperty("name").GetString()).ShouldBe(
            ["baseline", "expand", "deploy v2", "backfill", "validate", "cutover: shadow", "cutover: reads 1%", "cutover: reads 10%",
             "cutover: reads 50%", "cutover: reads 100%", "cutover: new_only", "contract", "after"], run.StdErr);
        foreach (var phase in phases)
        {
            var latency = phase.GetProperty("latency");
            latency.TryGetProperty("regulatory_report", out _).ShouldBeTrue();
            var auth = latency.GetProperty("authorize");
            foreach (var field in new[] { "count", "p50_ms", "p95_ms", "p99_ms", "max_ms", "failed" }) auth.TryGetProperty(field, out _).ShouldBeTrue(field);
            auth.GetProperty("p99_ms").GetDouble().ShouldBeGreaterThanOrEqualTo(auth.GetProperty("p50_ms").GetDouble());
            auth.GetProperty("failed").GetInt64().ShouldBe(0);
        }
        phases[0].GetProperty("latency").GetProperty("authorize").GetProperty("count").GetInt64().ShouldBeGreaterThan(0);
        // And the verdict carries the authorization SLO check, judged phase by phase against 1.5 × the baseline's p99
        var verdict = root.GetProperty("verdict");
        var slo = verdict.GetProperty("authorization_slo");
        slo.GetProperty("multiple").GetDouble().ShouldBe(1.5);
        slo.GetProperty("baseline_phase").GetString().ShouldBe("baseline");
        var limit = slo.GetProperty("limit_ms").GetDouble();
        limit.ShouldBe(Math.Round(1.5 * phases[0].GetProperty("latency").GetProperty("authorize").GetProperty("p99_ms").GetDouble(), 3), 0.001);
        var judged = slo.GetProperty("phases").EnumerateArray().ToList();
        judged.Count.ShouldBe(phases.Count);
        for (var i = 0; i < judged.Count; i++)
        {
            var auth = phases[i].GetProperty("latency").GetProperty("authorize");
            var within = judged[i].GetProperty("within");
            if (auth.GetProperty("count").GetInt64() == 0) within.ValueKind.ShouldBe(JsonValueKind.Null);
            else within.GetBoolean().ShouldBe(auth.GetProperty("p99_ms").GetDouble() <= limit, judged[i].ToString());
        }
        var sloPassed = judged.All(p => p.GetProperty("within").ValueKind != JsonValueKind.False);
        slo.GetProperty("passed").GetBoolean().ShouldBe(sloPassed);
        slo.GetProperty("violations").GetArrayLength().ShouldBe(sloPassed ? 0 : judged.Count(p => p.GetProperty("within").ValueKind == JsonValueKind.False));
        // And the rest of the proof is there and held (a failed SLO alone is this machine's timing, not the migration's fault)
        verdict.GetProperty("problems").GetArrayLength().ShouldBe(0, verdict.ToString());
        root.GetProperty("invariants").GetProperty("passed").GetBoolean().ShouldBeTrue();
        root.GetProperty("validations").GetArrayLength().ShouldBe(2);
        root.GetProperty("migrator_runs").EnumerateArray().ShouldContain(r => r.GetProperty("phase").GetString() == "contract" && r.GetProperty("exit_code").GetInt32() == 0);
        root.TryGetProperty("faults", out _).ShouldBeTrue();
        root.TryGetProperty("guard_decisions", out _).ShouldBeTrue();
        // And the exit code follows the verdict: 0 when it passed, 3 when only the SLO failed
        verdict.GetProperty("passed").GetBoolean().ShouldBe(sloPassed);
        run.ExitCode.ShouldBe(sloPassed ? 0 : DemoCommand.ProofFailed, run.StdErr);
        // And the plain run's proof: no payment failed, no fault, every migrator run and journaled step clean, the report drawn
        var payments = root.GetProperty("payments");
        payments.GetProperty("total_failed").GetInt64().ShouldBe(0);
        payments.GetProperty("total_operations").GetInt64().ShouldBeGreaterThan(0);
        var invariants = root.GetProperty("invariants");
        foreach (var held in new[] { "seeded_money_same", "totals_explained", "states_complete" }) invariants.GetProperty(held).GetBoolean().ShouldBeTrue(held);
        root.GetProperty("faults").GetArrayLength().ShouldBe(0);
        root.GetProperty("migrator_runs").EnumerateArray().ShouldAllBe(r => r.GetProperty("exit_code").GetInt32() == 0 && !r.GetProperty("killed").GetBoolean());
        var steps = root.GetProperty("journal").GetProperty("steps").EnumerateArray().ToList();
        steps.ShouldNotBeEmpty();
        steps.ShouldAllBe(step => step.GetProperty("status").GetString() == "done");
        root.GetProperty("validations").EnumerateArray().ShouldAllBe(v => v.GetProperty("passed").GetBoolean());
        AssertReportCharts(root.GetProperty("report_path").GetString());
    }
}

/// <summary>
/// The demo tests share one cluster home with a standby; they run one after the other, alone (their load would make
/// the timing-sensitive guard tests of other classes flaky), and the cluster stops after them.
/// </summary>
[CollectionDefinition(nameof(DemoCluster), DisableParallelization = true)]
public sealed class DemoCluster : ICollectionFixture<DemoClusterLifetime>
{
    public static string Home => Path.Combine(TestCluster.RepositoryRoot(), ".switchyard", "demo-test-cluster");
}

/// <summary>Stops the demo tests' cluster (primary and standby) once they are done.</summary>
public sealed class DemoClusterLifetime : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => new LocalCluster(new LocalClusterOptions { Home = DemoCluster.Home, Fast = true }).StopAsync(CancellationToken.None);
}
