using System.Text.Json;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Bench;

public sealed class BackfillBenchWithLoadTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task Bench_backfill_with_load_adds_foreground_p99_with_and_without_each_backfill()
    {
        // Given the managed cluster (the bench seeds its own two ledgers)

        // When the backfill benchmark runs with payments traffic against each ledger
        var result = await CliRunner.RunAsync(["bench", "backfill", "--rows", "20000", "--workers", "2", "--with-load", "40", "--baseline-seconds", "2", "--json", "-c", db.ConnectionString]);

        // Then both backfills completed exactly and the JSON carries the foreground figures of every window
        result.ExitCode.ShouldBe(0, result.StdErr);
        using var json = JsonDocument.Parse(result.StdOut);
        var root = json.RootElement;
        root.GetProperty("rows").GetInt64().ShouldBe(20_000);
        root.GetProperty("naive_state_missing").GetInt64().ShouldBe(0);
        root.GetProperty("switchyard_state_missing").GetInt64().ShouldBe(0);
        root.GetProperty("load_tps").GetDouble().ShouldBe(40);
        foreach (var field in new[] { "baseline_p99_ms", "naive_p99_ms", "switchyard_baseline_p99_ms", "switchyard_p99_ms" })
            root.GetProperty(field).GetDouble().ShouldBeGreaterThan(0, field);
        foreach (var field in new[] { "naive_p99_ratio", "switchyard_p99_ratio", "naive_max_ms", "switchyard_max_ms" })
            root.TryGetProperty(field, out _).ShouldBeTrue(field);
        // the traffic ran in each window, and nothing failed outside the naive UPDATE's window
        root.GetProperty("naive_foreground_operations").GetInt64().ShouldBeGreaterThan(0);
        root.GetProperty("switchyard_foreground_operations").GetInt64().ShouldBeGreaterThan(0);
        root.GetProperty("baseline_failed").GetInt64().ShouldBe(0);
        root.GetProperty("switchyard_baseline_failed").GetInt64().ShouldBe(0);
        root.GetProperty("switchyard_failed").GetInt64().ShouldBe(0);
    }

    [Fact]
    public async Task Bench_backfill_rejects_a_non_positive_load()
    {
        // When --with-load is zero
        var result = await CliRunner.RunAsync(["bench", "backfill", "--rows", "100", "--with-load", "0", "-c", db.ConnectionString]);

        // Then it fails naming the option
        result.ExitCode.ShouldNotBe(0);
        (result.StdErr + result.StdOut).ShouldContain("--with-load");
    }
}
