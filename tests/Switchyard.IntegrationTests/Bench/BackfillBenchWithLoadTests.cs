using System.Text.Json;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Bench;

public sealed class BackfillBenchWithLoadTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task BenchBackfill_WithLoad_AddsForegroundP99AroundEachBackfillAndANoBackfillControl()
    {
        // Given the managed cluster (the bench seeds its own five ledgers)

        // When the backfill benchmark runs with payments traffic against each ledger
        var result = await CliRunner.RunSampleAsync(["bench", "backfill", "--rows", "20000", "--workers", "2", "--with-load", "40", "--warmup-seconds", "1", "--baseline-seconds", "2", "--json", "-c", db.ConnectionString]);

        // Then both backfills completed exactly and the JSON carries the foreground figures of every window
        result.ExitCode.ShouldBe(0, result.StdErr);
        using var json = JsonDocument.Parse(result.StdOut);
        var root = json.RootElement;
        root.GetProperty("rows").GetInt64().ShouldBe(20_000);
        root.GetProperty("load_tps").GetDouble().ShouldBe(40);
        foreach (var side in new[] { "naive", "loop", "switchyard", "switchyard_unthrottled" })
        {
            root.GetProperty($"{side}_state_missing").GetInt64().ShouldBe(0, side);
            foreach (var field in new[] { "baseline_p99_ms", "p99_ms" })
                root.GetProperty($"{side}_{field}").GetDouble().ShouldBeGreaterThan(0, $"{side}_{field}");
            foreach (var field in new[] { "p99_ratio", "max_ms", "baseline_max_ms" })
                root.TryGetProperty($"{side}_{field}", out _).ShouldBeTrue($"{side}_{field}");
            // the traffic ran in each window, and no baseline window lost an operation
            root.GetProperty($"{side}_foreground_operations").GetInt64().ShouldBeGreaterThan(0, side);
            root.GetProperty($"{side}_baseline_failed").GetInt64().ShouldBe(0, side);
            // and the after window ran too: the reference p99 is over both no-backfill windows, so it lies between theirs
            root.GetProperty($"{side}_after_failed").GetInt64().ShouldBe(0, side);
            var before = root.GetProperty($"{side}_baseline_p99_ms").GetDouble();
            var after = root.GetProperty($"{side}_after_p99_ms").GetDouble();
            after.ShouldBeGreaterThan(0, side);
            var reference = root.GetProperty($"{side}_reference_p99_ms").GetDouble();
            reference.ShouldBeInRange(Math.Min(before, after), Math.Max(before, after), side);
            root.GetProperty($"{side}_p99_ratio_to_reference").GetDouble().ShouldBe(Math.Round(root.GetProperty($"{side}_p99_ms").GetDouble() / reference, 2), 0.001, side);
        }
        // nothing failed outside the naive UPDATE's window
        root.GetProperty("loop_failed").GetInt64().ShouldBe(0);
        root.GetProperty("switchyard_failed").GetInt64().ShouldBe(0);
        root.GetProperty("switchyard_unthrottled_failed").GetInt64().ShouldBe(0);
        // and the control ran the same load with no backfill for as long as Switchyard's side, against which its p99 is set
        root.GetProperty("control_rows_updated").GetInt64().ShouldBe(0);
        root.GetProperty("control_state_missing").GetInt64().ShouldBeGreaterThan(0);
        // (a timer may fire a millisecond before the stopwatch reads its length: as long, not at least as long)
        root.GetProperty("control_seconds").GetDouble().ShouldBe(root.GetProperty("switchyard_seconds").GetDouble(), 1.0);
        root.GetProperty("control_foreground_operations").GetInt64().ShouldBeGreaterThan(0);
        root.GetProperty("control_failed").GetInt64().ShouldBe(0);
        var controlP99 = root.GetProperty("control_p99_ms").GetDouble();
        controlP99.ShouldBeGreaterThan(0);
        root.GetProperty("switchyard_p99_ratio_to_control").GetDouble().ShouldBe(Math.Round(root.GetProperty("switchyard_p99_ms").GetDouble() / controlP99, 2), 0.001);
        // and the SLO side's rate is set against the same backfill's with no SLO
        var share = root.GetProperty("slo_rate_share").GetDouble();
        share.ShouldBe(Math.Round(root.GetProperty("switchyard_rows_per_second").GetDouble() / root.GetProperty("switchyard_unthrottled_rows_per_second").GetDouble(), 3), 0.001);
    }

    [Fact]
    public async Task BenchBackfill_NonPositiveLoad_IsRejectedNamingTheOption()
    {
        // When --with-load is zero
        var result = await CliRunner.RunSampleAsync(["bench", "backfill", "--rows", "100", "--with-load", "0", "-c", db.ConnectionString]);

        // Then it fails naming the option
        result.ExitCode.ShouldNotBe(0);
        (result.StdErr + result.StdOut).ShouldContain("--with-load");
    }
}
