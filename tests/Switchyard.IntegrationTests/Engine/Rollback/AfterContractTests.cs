using Switchyard.Core.Engine;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Engine.Rollback;

public sealed class AfterContractTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task StatusAndRollback_AfterContract_NameTheLastMigration()
    {
        // Given the flagship completed through Contract
        await FlagshipSpec.CutOverNewOnlyAsync(db);
        var done = await FlagshipSpec.Engine(db).ApplyAsync(FlagshipSpec.Load(), new ApplyOptions { Confirm = FlagshipSpec.Name }, CancellationToken.None);
        done.State.ShouldBe("completed");
        var moneyBefore = await db.InvariantsAsync();

        // When status and rollback run without --migration
        var status = await CliRunner.RunAsync(["status", "--no-guards", .. FlagshipSpec.Connect(db)]);
        var rollback = await CliRunner.RunAsync(["rollback", .. FlagshipSpec.Connect(db)]);

        // Then both name the last migration instead of only "No active migration."
        status.ExitCode.ShouldBe(0, status.StdErr);
        status.StdOut.ShouldContain(FlagshipSpec.Name);
        rollback.ExitCode.ShouldNotBe(0);
        rollback.StdErr.ShouldContain($"'{FlagshipSpec.Name}'");
        rollback.StdErr.ShouldContain("completed");
        (await db.InvariantsAsync()).ShouldBe(moneyBefore);
    }
}
