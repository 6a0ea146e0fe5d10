using System.Text.Json;
using Switchyard.IntegrationTests.Engine;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Guards;

/// <summary>Issue 18 item 1: the latency-SLO controller is on by default in apply, and shows in progress and status.</summary>
public sealed class LatencySloCliTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task Apply_WithoutSloOption_RunsTheControllerAndStatusShowsSloP99AndRate()
    {
        // Given the flagship migration applied through Backfill with the default options
        var apply = await CliRunner.RunAsync(["apply", FlagshipSpec.Path, "--to", "backfill", "--workers", "2", .. FlagshipSpec.Connect(db)]);
        apply.ExitCode.ShouldBe(0, apply.StdOut + apply.StdErr);

        // When status runs as a table and as JSON
        var table = await CliRunner.RunAsync(["status", .. FlagshipSpec.Connect(db)]);
        var json = await CliRunner.RunAsync(["status", "--json", .. FlagshipSpec.Connect(db)]);

        // Then the controller measured a baseline and journaled it with the 1.5x SLO
        var rows = await GuardJournalRows.ReadAsync(db.DataSource);
        var baseline = rows.First(r => r.Action == "baseline");
        using var data = JsonDocument.Parse(baseline.Data);
        var baselineMs = data.RootElement.GetProperty("baseline_ms").GetDouble();
        baselineMs.ShouldBeGreaterThanOrEqualTo(5, "the canary's baseline floor");
        data.RootElement.GetProperty("slo_ms").GetDouble().ShouldBe(1.5 * baselineMs, 1e-9);
        data.RootElement.GetProperty("slo").GetString().ShouldBe("1.5x");

        // And the progress line carries SLO, p99 and rate, and status shows them
        apply.StdOut.ShouldContain("SLO ");
        apply.StdOut.ShouldContain(", rate ");
        table.ExitCode.ShouldBe(0, table.StdErr);
        table.StdOut.ShouldContain("latency SLO " + (1.5 * baselineMs).ToString("0.0#", System.Globalization.CultureInfo.InvariantCulture) + " ms");
        table.StdOut.ShouldContain("allowed rate");
        table.StdOut.ShouldContain("last decision ");
        using var doc = JsonDocument.Parse(json.StdOut);
        var slo = doc.RootElement.EnumerateArray().Single().GetProperty("guards").GetProperty("latency_slo");
        slo.GetProperty("slo_ms").GetDouble().ShouldBe(1.5 * baselineMs, 1e-9);
    }
}
