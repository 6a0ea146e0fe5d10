using Switchyard.Core;
using Switchyard.Core.Backfill;
using Switchyard.Core.Engine;
using Switchyard.Core.Execution;
using Switchyard.Core.Planning;
using Switchyard.IntegrationTests.Engine;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Runners;

public sealed class RunnerTakeBackTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task Apply_ItsSessionsTerminatedMidBackfill_TakesItsLockBackRefusesOthersAndIsNotFailed()
    {
        // Given the flagship migration expanded, and an apply through Backfill slowed to 1,000 rows/s on its own sessions
        var spec = FlagshipSpec.Load();
        await FlagshipSpec.Engine(db).ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Expand }, CancellationToken.None);
        var before = await db.InvariantsAsync();
        await using var runnerSource = db.NewDataSource("switchyard-runner");
        var engine = new MigrationEngine(new SafeSqlRunner(runnerSource),
            new BackfillRunnerPhase(new BackfillOptions { Workers = 2, InitialBatchKeys = 500 }, [new RowRateThrottle(1000)]));
        var apply = engine.ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Backfill }, CancellationToken.None);
        await WaitForAsync("SELECT EXISTS (SELECT 1 FROM switchyard.backfill_batches)", apply);
        var lockSessions = await db.ScalarAsync<int[]>(AdvisoryHoldersSql);
        lockSessions.ShouldNotBeNull().ShouldNotBeEmpty();

        // When every session of the runner is terminated (its advisory locks go with them)
        await db.ExecuteAsync("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'switchyard-runner'");
        // and a second apply and a rollback start meanwhile
        var second = await Should.ThrowAsync<SwitchyardException>(() =>
            FlagshipSpec.Engine(db).ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Backfill }, CancellationToken.None));
        var rollback = await Should.ThrowAsync<SwitchyardException>(() => new MigrationRollback(db.Runner()).RollbackAsync(spec, null, CancellationToken.None));

        // Then both are refused, naming the live runner's host, OS pid and start time
        foreach (var refused in new[] { second, rollback })
        {
            refused.Message.ShouldContain($"host {Environment.MachineName}");
            refused.Message.ShouldContain($"OS pid {Environment.ProcessId}");
            refused.Message.ShouldContain("process started");
        }
        // and the runner takes its locks back on new sessions before its next batch,
        await WaitForAsync($"SELECT EXISTS (SELECT 1 FROM unnest(({AdvisoryHoldersSql})) p WHERE p <> ALL ('{{{string.Join(',', lockSessions)}}}'::int[]))", apply);
        // finishes the backfill, and nothing is marked failed
        var result = await apply;
        result.State.ShouldBe("waiting");
        (await db.ScalarAsync<string>("SELECT state FROM switchyard.migrations")).ShouldBe("waiting");
        (await db.ScalarAsync<long>("SELECT count(*) FROM switchyard.steps WHERE status = 'failed'")).ShouldBe(0);
        (await db.ScalarAsync<long>("SELECT count(*) FROM switchyard.events WHERE kind = 'runner_lock_retaken'")).ShouldBeGreaterThan(0);
        var after = await db.InvariantsAsync();
        after.SameMoneyAs(before).ShouldBeTrue();
        after.StateMissing.ShouldBe(0);
    }

    private const string AdvisoryHoldersSql = """
        SELECT array_agg(l.pid) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = 'switchyard-runner'
        """;

    private async Task WaitForAsync(string sql, Task running)
    {
        for (var i = 0; i < 600; i++)
        {
            if (running.IsCompleted)
            {
                await running;
                throw new InvalidOperationException("the apply ended before: " + sql);
            }
            if (await db.ScalarAsync<bool>("SELECT to_regclass('switchyard.backfill_batches') IS NOT NULL") && await db.ScalarAsync<bool>(sql)) return;
            await Task.Delay(50);
        }
        throw new TimeoutException("never saw " + sql);
    }
}
