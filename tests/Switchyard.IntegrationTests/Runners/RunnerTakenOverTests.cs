using Switchyard.Core.Backfill;
using Switchyard.Core.Engine;
using Switchyard.Core.Execution;
using Switchyard.Core.Planning;
using Switchyard.Core.Runners;
using Switchyard.IntegrationTests.Engine;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Runners;

public sealed class RunnerTakenOverTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task Apply_AnotherRunnerTookOverWhileItsSessionsWereGone_StopsCleanlyWithoutFailingTheMigration()
    {
        // Given the flagship migration expanded, and an apply through Backfill slowed to 1,000 rows/s on its own sessions
        var spec = FlagshipSpec.Load();
        await FlagshipSpec.Engine(db).ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Expand }, CancellationToken.None);
        var before = await db.InvariantsAsync();
        await using var runnerSource = db.NewDataSource("switchyard-runner");
        var engine = new MigrationEngine(new SafeSqlRunner(runnerSource),
            new BackfillRunnerPhase(new BackfillOptions { Workers = 2, InitialBatchKeys = 500 }, [new RowRateThrottle(1000)]));
        var apply = engine.ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Backfill }, CancellationToken.None);
        for (var i = 0; i < 600 && !apply.IsCompleted && !await BatchesCommittedAsync(); i++)
            await Task.Delay(50);
        apply.IsCompleted.ShouldBeFalse();

        // When its sessions are terminated and, meanwhile, another runner claims its rows
        await db.ExecuteAsync("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'switchyard-runner'");
        await db.ExecuteAsync("UPDATE switchyard.runners SET run_id = gen_random_uuid(), os_pid = 1, host = 'other-host', last_beat = clock_timestamp()");

        // Then it stops before its next batch with its own exit code, saying who took over
        var lost = await Should.ThrowAsync<RunnerLeaseLostException>(() => apply);
        lost.ExitCode.ShouldBe(6);
        lost.Message.ShouldContain("other-host");
        // and nothing is marked failed, the money intact
        (await db.ScalarAsync<string>("SELECT state FROM switchyard.migrations")).ShouldNotBe("failed");
        (await db.ScalarAsync<long>("SELECT count(*) FROM switchyard.steps WHERE status = 'failed'")).ShouldBe(0);
        (await db.InvariantsAsync()).SameMoneyAs(before).ShouldBeTrue();
    }

    private async Task<bool> BatchesCommittedAsync() =>
        await db.ScalarAsync<bool>("SELECT to_regclass('switchyard.backfill_batches') IS NOT NULL")
        && await db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM switchyard.backfill_batches)");
}
