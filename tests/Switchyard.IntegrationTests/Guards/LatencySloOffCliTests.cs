using Switchyard.IntegrationTests.Engine;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Guards;

public sealed class LatencySloOffCliTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task Apply_LatencySloOff_JournalsNoControllerDecision()
    {
        // Given a ledger not migrated yet
        // When the backfill runs with the controller turned off
        var apply = await CliRunner.RunAsync(["apply", FlagshipSpec.Path, "--to", "backfill", "--latency-slo", "off", .. FlagshipSpec.Connect(db)]);

        // Then it completes with no controller event and no SLO in the progress
        apply.ExitCode.ShouldBe(0, apply.StdOut + apply.StdErr);
        (await GuardJournalRows.ReadAsync(db.DataSource)).ShouldNotContain(r => r.Data.Contains("latency_slo"));
        apply.StdOut.ShouldNotContain("SLO ");
    }
}
