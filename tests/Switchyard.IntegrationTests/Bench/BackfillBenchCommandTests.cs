using System.Text.Json;
using Switchyard.Core.Execution;
using Switchyard.Core.Runbook;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Bench;

public sealed class BackfillBenchCommandTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static readonly string[] Sides = ["naive", "loop", "switchyard"];

    [Fact]
    public async Task BenchBackfill_ThreeSidesOnTheSpecsExpandShape_ReportsBothRatiosAndEachSidesFootprint()
    {
        // Given the managed cluster (the bench seeds its own three ledgers)

        // When the backfill benchmark runs without load
        var result = await CliRunner.RunSampleAsync(["bench", "backfill", "--rows", "20000", "--workers", "2", "--json", "-c", db.ConnectionString]);

        // Then every side ran on the flagship's post-Expand shape, NOT VALID foreign key included
        result.ExitCode.ShouldBe(0, result.StdErr);
        using var json = JsonDocument.Parse(result.StdOut);
        var root = json.RootElement;
        root.GetProperty("rows").GetInt64().ShouldBe(20_000);
        root.GetProperty("expand_spec").GetString().ShouldBe("001-normalize-transaction-status");
        root.GetProperty("foreign_key").GetBoolean().ShouldBeTrue();
        // and each side filled every row and reports its HOT share, WAL per row and table sizes
        foreach (var side in Sides)
        {
            root.GetProperty($"{side}_state_missing").GetInt64().ShouldBe(0, side);
            root.GetProperty($"{side}_rows_updated").GetInt64().ShouldBe(20_000, side);
            root.GetProperty($"{side}_seconds").GetDouble().ShouldBeGreaterThan(0, side);
            root.GetProperty($"{side}_hot_share").GetDouble().ShouldBeInRange(0, 1, side);
            root.GetProperty($"{side}_wal_bytes_per_row").GetDouble().ShouldBeGreaterThan(0, side);
            root.GetProperty($"{side}_table_bytes_before").GetInt64().ShouldBeGreaterThan(0, side);
            root.GetProperty($"{side}_table_bytes_after").GetInt64().ShouldBeGreaterThanOrEqualTo(root.GetProperty($"{side}_table_bytes_before").GetInt64(), side);
        }
        // and both ratios are the timings' quotients
        var ours = root.GetProperty("switchyard_seconds").GetDouble();
        root.GetProperty("ratio").GetDouble().ShouldBe(Math.Round(root.GetProperty("naive_seconds").GetDouble() / ours, 3), 0.001);
        root.GetProperty("ratio_vs_loop").GetDouble().ShouldBe(Math.Round(root.GetProperty("loop_seconds").GetDouble() / ours, 3), 0.001);
        // and the run is recorded where the runbook looks for the table's rate, with no latency SLO (no load ran)
        var rate = await BackfillRateReader.ReadAsync(db.Runner(), new QualifiedName("public", "transactions"), CancellationToken.None);
        rate.Origin.ShouldBe(BackfillRateOrigin.LastBench);
        rate.RowsPerSecond.ShouldBe(20_000 / ours, 0.5);
        rate.LatencySlo.ShouldBeNull();
        // and with Switchyard's WAL per row, which `runbook --rows` sizes the replica bottleneck by
        var recordedWal = await db.Runner().ScalarAsync<double>("SELECT switchyard_wal_bytes_per_row FROM switchyard.backfill_bench_runs ORDER BY at DESC LIMIT 1", CancellationToken.None);
        recordedWal.ShouldBe(root.GetProperty("switchyard_wal_bytes_per_row").GetDouble(), 0.05);
    }
}
