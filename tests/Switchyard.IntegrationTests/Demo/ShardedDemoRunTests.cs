using System.Text.Json;
using Npgsql;
using Switchyard.Core.Connections;
using Switchyard.Core.LocalPostgres;
using Switchyard.IntegrationTests.Infrastructure;
using Switchyard.Samples.Ledger.Cli.Demo;

namespace Switchyard.IntegrationTests.Demo;

/// <summary>
/// Issue 19's acceptance, small: <c>demo --shards 3 --faults</c> on three managed clusters (each with a standby), the
/// flagship run fleet-wide by the real switchyard program, every shard proven on its own.
/// </summary>
[Collection(nameof(ShardedDemoClusters))]
public sealed class ShardedDemoRunTests
{
    private static readonly string[] ShardPhases =
        ["baseline", "expand", "deploy v2", "backfill", "validate", "cutover: shadow", "cutover: reads 10%", "cutover: reads 100%", "cutover: new_only", "contract", "after"];

    [Fact]
    public async Task ShardedDemoWithFaults_ThreeShardsReplayPausedAndMigratorKilled_EveryShardProvenAndTheReportShowsPhasesBarriersAndFaults()
    {
        // Given three shards of 8,000 rows each, short phases, and faults on
        var options = new ShardedDemoOptions(new DemoOptions
        {
            Cluster = new LocalClusterOptions { Home = ShardedDemoClusters.Home, Fast = true },
            MigratorPath = Path.Combine(AppContext.BaseDirectory, "switchyard.dll"),
            Migration = DemoMigration.Spec(Path.Combine(AppContext.BaseDirectory, "specs", "001-normalize-transaction-status.yaml")),
            Database = "sharded_demo_test",
            Rows = 36_000,
            OperationsPerSecond = 45,
            PhaseTime = TimeSpan.FromSeconds(2),
            BackfillTime = TimeSpan.FromSeconds(8),
            Faults = true,
            ReportDirectory = Directory.CreateTempSubdirectory("switchyard-sharded-demo-").FullName,
            ReplayPause = TimeSpan.FromSeconds(2),
        }, 3);

        // When the sharded demo runs
        var result = await new ShardedDemoOrchestrator(options, _ => { }).RunAsync(CancellationToken.None);

        // Then every shard holds the proof: no failed payment, money unchanged and explained, validation green, completed
        result.Shards.Select(s => s.Name).ShouldBe(["shard-1", "shard-2", "shard-3"]);
        foreach (var shard in result.Shards)
        {
            var workload = shard.Workload.ShouldNotBeNull();
            workload.TotalOperations.ShouldBeGreaterThan(0, shard.Name);
            workload.TotalFailed.ShouldBe(0, $"{shard.Name}: {string.Join(" | ", workload.Operations.SelectMany(o => o.Errors))}");
            shard.SeededRows.ShouldBe(12_000);
            var inv = shard.Invariants.ShouldNotBeNull();
            inv.SeededMoneySame.ShouldBeTrue($"{shard.Name}: {inv.SeededBefore} vs {inv.SeededAfter}");
            inv.TotalsExplained.ShouldBeTrue($"{shard.Name}: {inv.TotalBefore} → {inv.TotalAfter}");
            inv.StatesComplete.ShouldBeTrue(shard.Name);
            shard.Validations.Count.ShouldBe(2, shard.Name);
            shard.Validations.ShouldAllBe(v => v.Passed);
            shard.JournalState.ShouldBe("completed", shard.Name);
            shard.Steps.ShouldAllBe(s => s.Status == "done");
            shard.Problems.ShouldBeEmpty();
        }
        result.Shards.Select(s => s.FleetRunId).Distinct().Single().ShouldNotBeNull();
        result.Problems.ShouldBeEmpty();
        result.Passed.ShouldBeTrue(string.Join(" | ", result.Failures));
        // And the database agrees: shard-2's journal has its migration completed and the status column is gone
        await using (var shard2 = DataSourceFactory.Create(new LocalCluster(options.Demo.Cluster with { Home = options.ShardHome(1) }).ConnectionString(options.Demo.Database), "switchyard-tests"))
        await using (var cmd = shard2.CreateCommand("SELECT count(*) FROM information_schema.columns WHERE table_name = 'transactions' AND column_name = 'status'"))
            ((long)(await cmd.ExecuteScalarAsync())!).ShouldBe(0);

        // And the faults happened on shard-2: its standby's replay paused, the fleet migrator killed -9 and re-run
        result.Faults.ShouldNotContain(f => f.Detail.StartsWith("not injected", StringComparison.Ordinal), string.Join(" | ", result.Faults));
        result.Faults.Single(f => f.Fault == "standby replay paused").Detail.ShouldStartWith("shard-2:");
        result.Faults.ShouldContain(f => f.Fault == "standby replay resumed");
        result.Faults.ShouldContain(f => f.Fault == "kill -9 fleet migrator");
        result.MigratorRuns.ShouldContain(r => r.Phase == "backfill" && r.Killed);
        result.MigratorRuns.ShouldContain(r => r.Phase == "backfill" && r.ExitCode == 0 && !r.Killed);
        result.MigratorRuns.ShouldAllBe(r => r.CommandLine.Contains("--fleet <fleet>", StringComparison.Ordinal));
        result.Shards[1].Steps.Single(s => s.Step.StartsWith("backfill", StringComparison.Ordinal)).Attempts.ShouldBeGreaterThanOrEqualTo(2);

        // And the report (one JSON document) shows every shard's phases, the barrier waits and the faults
        using var json = JsonDocument.Parse(ShardedDemoReport.Json(result));
        var root = json.RootElement;
        root.GetProperty("verdict").GetProperty("passed").GetBoolean().ShouldBeTrue();
        var shards = root.GetProperty("shards").EnumerateArray().ToList();
        shards.Count.ShouldBe(3);
        foreach (var shard in shards)
        {
            var phases = shard.GetProperty("phases").EnumerateArray().ToList();
            phases.Select(p => p.GetProperty("name").GetString()).ShouldBe(ShardPhases);
            phases.ShouldAllBe(p => p.GetProperty("failed").GetInt64() == 0);
            phases.Sum(p => p.GetProperty("operations").GetInt64()).ShouldBe(shard.GetProperty("payments").GetProperty("total_operations").GetInt64());
        }
        var barriers = root.GetProperty("barrier_waits").EnumerateArray().ToList();
        foreach (var phase in new[] { "expand", "backfill", "validate", "contract" })
        {
            var atBarrier = barriers.Where(b => b.GetProperty("phase").GetString() == phase).ToList();
            atBarrier.Select(b => b.GetProperty("shard").GetString()).ShouldBe(["shard-1", "shard-2", "shard-3"], ignoreOrder: true, phase);
            // One shard finished last and released the barrier; the others waited for exactly that one, as long as the gap
            var last = atBarrier.Single(b => b.GetProperty("waited_for").ValueKind == JsonValueKind.Null);
            var released = last.GetProperty("finished_at_seconds").GetDouble();
            foreach (var waiter in atBarrier.Where(b => b.GetProperty("waited_for").ValueKind != JsonValueKind.Null))
            {
                waiter.GetProperty("waited_for").GetString().ShouldBe(last.GetProperty("shard").GetString());
                waiter.GetProperty("waited_seconds").GetDouble().ShouldBe(released - waiter.GetProperty("finished_at_seconds").GetDouble(), 0.02);
            }
        }
        root.GetProperty("faults").EnumerateArray().Select(f => f.GetProperty("fault").GetString()).ShouldContain("kill -9 fleet migrator");
    }
}

/// <summary>The sharded demo's three cluster homes (each with a standby); it runs alone, and the clusters stop after it.</summary>
[CollectionDefinition(nameof(ShardedDemoClusters), DisableParallelization = true)]
public sealed class ShardedDemoClusters : ICollectionFixture<ShardedDemoClustersLifetime>
{
    public static string Home => Path.Combine(TestCluster.RepositoryRoot(), ".switchyard", "sharded-demo-test");
}

/// <summary>Stops every shard's cluster (primary and standby) once the sharded demo test is done.</summary>
public sealed class ShardedDemoClustersLifetime : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        for (var i = 0; i < ShardedDemoOptions.MaxShards; i++)
        {
            var home = Path.Combine(ShardedDemoClusters.Home, ShardedDemoOptions.ShardName(i));
            if (Directory.Exists(home)) await new LocalCluster(new LocalClusterOptions { Home = home, Fast = true }).StopAsync(CancellationToken.None);
        }
    }
}
