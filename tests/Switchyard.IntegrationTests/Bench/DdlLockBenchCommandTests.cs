using System.Text.Json;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Bench;

public sealed class DdlLockBenchCommandTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task BenchDdlLock_PlainAlterVsSwitchyardsRunner_ShowsReadersQueuedBehindOnlyThePlainAlter()
    {
        // Given the managed cluster (the bench seeds its own fresh ledger)

        // When the DDL lock benchmark runs briefly with --json
        var result = await CliRunner.RunSampleAsync(["bench", "ddl-lock", "--hold-seconds", "2", "--readers", "3", "--rate", "150", "--rows", "5000", "--json", "-c", db.ConnectionString]);

        // Then it exits 0 and reports the four modes with every field
        result.ExitCode.ShouldBe(0, result.StdErr);
        using var json = JsonDocument.Parse(result.StdOut);
        var root = json.RootElement;
        root.GetProperty("hold_seconds").GetDouble().ShouldBe(2);
        root.GetProperty("readers").GetInt32().ShouldBe(3);
        var modes = root.GetProperty("modes").EnumerateArray().ToDictionary(m => m.GetProperty("mode").GetString()!);
        modes.Keys.ShouldBe(["baseline", "plain_alter", "retry_loop", "switchyard"]);
        foreach (var m in modes.Values)
        {
            foreach (var field in new[] { "operations", "failed", "p50_ms", "p99_ms", "max_ms", "p99_ratio", "ops_waited_behind_ddl", "ops_waited_while_held", "samples", "ddl_attempts" })
                m.TryGetProperty(field, out _).ShouldBeTrue($"{m.GetProperty("mode")} lacks {field}: {m}");
            m.GetProperty("operations").GetInt64().ShouldBeGreaterThan(0);
            m.GetProperty("failed").GetInt64().ShouldBe(0);
            m.GetProperty("samples").GetInt64().ShouldBeGreaterThan(0);
        }
        modes["baseline"].GetProperty("p99_ratio").GetDouble().ShouldBe(1);
        modes["baseline"].GetProperty("ddl_done_after_release_ms").ValueKind.ShouldBe(JsonValueKind.Null);

        // And the causality: the plain ALTER finished only after the holder let go, with reader operations waiting on a Lock behind it,
        modes["plain_alter"].GetProperty("ddl_done_after_release_ms").GetDouble().ShouldBeGreaterThanOrEqualTo(0);
        modes["plain_alter"].GetProperty("ops_waited_while_held").GetInt64().ShouldBeGreaterThan(0, modes["plain_alter"].ToString());
        // while Switchyard's runner also waited for the release but no reader waited behind its pid while the holder was open
        // (after the release a reader may wait the DDL's own few milliseconds of ACCESS EXCLUSIVE, as behind any DDL)
        modes["switchyard"].GetProperty("ddl_done_after_release_ms").GetDouble().ShouldBeGreaterThanOrEqualTo(0);
        modes["switchyard"].GetProperty("ops_waited_while_held").GetInt64().ShouldBe(0, modes["switchyard"].ToString());
        modes["retry_loop"].GetProperty("ddl_attempts").GetInt32().ShouldBeGreaterThan(1);
    }
}
