using Switchyard.IntegrationTests.Infrastructure;
using Switchyard.Samples.Ledger.EntityFramework.Model;

namespace Switchyard.IntegrationTests.EntityFramework;

/// <summary><c>switchyard ef baseline</c>: a migration whose tables exist is recorded for EF; one whose tables do not is refused.</summary>
public sealed class EfBaselineTests(LedgerDatabase ledger) : IClassFixture<LedgerDatabase>
{
    private static string Assembly => typeof(LedgerDbContext).Assembly.Location;

    [Fact]
    public async Task EfBaseline_InitialLedgerOnALedgerOlderThanEf_DotnetEfListsOnlyTheFlagshipPending()
    {
        // Given the legacy ledger (its tables made by the ledger's own schema, no EF history), which dotnet ef sees as all pending
        var before = await DotnetEf.ListAsync(ledger.ConnectionString);

        // When InitialLedger is baselined
        var run = await CliRunner.RunAsync(["ef", "baseline", "--assembly", Assembly, "--migration", "InitialLedger", "-c", ledger.ConnectionString]);

        // Then it is recorded, and dotnet ef lists InitialLedger applied and the flagship still pending
        run.ExitCode.ShouldBe(0, run.StdOut + run.StdErr);
        run.StdOut.ShouldContain("recorded as applied");
        before.ShouldAllBe(m => !m.Applied);
        var after = await DotnetEf.ListAsync(ledger.ConnectionString);
        after.Select(m => (m.Id.Split('_', 2)[1], m.Applied)).ShouldBe([("InitialLedger", true), ("NormalizeTransactionStatus", false)]);
    }

    [Fact]
    public async Task EfBaseline_DatabaseWithoutTheTables_RefusedAndRecordsNothing()
    {
        // Given an empty database
        var empty = new TestDatabase();
        await empty.InitializeAsync();
        try
        {
            // When InitialLedger is baselined there
            var run = await CliRunner.RunAsync(["ef", "baseline", "--assembly", Assembly, "--migration", "InitialLedger", "-c", empty.ConnectionString]);

            // Then it is refused in one line naming the missing tables (exit 2), and no history table was made
            run.ExitCode.ShouldBe(2, run.StdOut + run.StdErr);
            run.StdErr.ShouldContain("\"public\".\"accounts\"");
            run.StdErr.ShouldContain("Nothing recorded");
            run.StdErr.ShouldNotContain("   at ");
            (await empty.ScalarAsync<bool>("SELECT to_regclass('\"__EFMigrationsHistory\"') IS NOT NULL")).ShouldBeFalse();
        }
        finally
        {
            await empty.DisposeAsync();
        }
    }
}
