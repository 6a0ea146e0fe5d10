using Switchyard.Core.Runners;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Runners;

public sealed class RunnerTakenOverTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task Apply_AnotherRunnerTookOverWhileItsSessionsWereGone_StopsCleanlyWithoutFailingTheMigration()
    {
        // Given the flagship migration expanded, and an apply through Backfill slowed to 1,000 rows/s on its own sessions
        var before = await db.InvariantsAsync();
        await using var apply = await SlowedApply.StartAsync(db);

        // When its sessions are terminated and, meanwhile, another runner claims its rows
        await apply.TerminateSessionsAsync(db);
        await db.ExecuteAsync("UPDATE switchyard.runners SET run_id = gen_random_uuid(), os_pid = 1, host = 'other-host', last_beat = clock_timestamp()");

        // Then it stops before its next batch with its own exit code, saying who took over
        var lost = await Should.ThrowAsync<RunnerLeaseLostException>(() => apply.Running);
        lost.ExitCode.ShouldBe(6);
        lost.Message.ShouldContain("other-host");
        // and nothing is marked failed, the money intact
        (await db.ScalarAsync<string>("SELECT state FROM switchyard.migrations")).ShouldNotBe("failed");
        (await db.ScalarAsync<long>("SELECT count(*) FROM switchyard.steps WHERE status = 'failed'")).ShouldBe(0);
        (await db.InvariantsAsync()).SameMoneyAs(before).ShouldBeTrue();
    }
}
