using Switchyard.Core;
using Switchyard.Core.Engine;
using Switchyard.Core.Planning;
using Switchyard.IntegrationTests.Engine;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Runners;

public sealed class RunnerTakeBackTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    private const string AdvisoryHoldersSql = $"""
        SELECT array_agg(l.pid) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = '{SlowedApply.ApplicationName}'
        """;

    [Fact]
    public async Task Apply_ItsSessionsTerminatedMidBackfill_TakesItsLockBackRefusesOthersAndIsNotFailed()
    {
        // Given the flagship migration expanded, and an apply through Backfill slowed to 1,000 rows/s on its own sessions
        var before = await db.InvariantsAsync();
        await using var apply = await SlowedApply.StartAsync(db);
        var lockSessions = await db.ScalarAsync<int[]>(AdvisoryHoldersSql);
        lockSessions.ShouldNotBeNull().ShouldNotBeEmpty();

        // When every session of the runner is terminated (its advisory locks go with them)
        await apply.TerminateSessionsAsync(db);
        // and a second apply and a rollback start meanwhile
        var second = await Should.ThrowAsync<SwitchyardException>(() =>
            FlagshipSpec.Engine(db).ApplyAsync(apply.Spec, new ApplyOptions { To = MigrationPhase.Backfill }, CancellationToken.None));
        var rollback = await Should.ThrowAsync<SwitchyardException>(() => new MigrationRollback(db.Runner()).RollbackAsync(apply.Spec, null, CancellationToken.None));

        // Then both are refused, naming the live runner's host, OS pid and start time
        foreach (var refused in new[] { second, rollback })
        {
            refused.Message.ShouldContain($"host {Environment.MachineName}");
            refused.Message.ShouldContain($"OS pid {Environment.ProcessId}");
            refused.Message.ShouldContain("process started");
        }
        // and the runner takes its locks back on new sessions before its next batch,
        await apply.WaitForAsync(db, $"SELECT EXISTS (SELECT 1 FROM unnest(({AdvisoryHoldersSql})) p WHERE p <> ALL ('{{{string.Join(',', lockSessions)}}}'::int[]))");
        // finishes the backfill, and nothing is marked failed
        var result = await apply.Running;
        result.State.ShouldBe("waiting");
        (await db.ScalarAsync<string>("SELECT state FROM switchyard.migrations")).ShouldBe("waiting");
        (await db.ScalarAsync<long>("SELECT count(*) FROM switchyard.steps WHERE status = 'failed'")).ShouldBe(0);
        (await db.ScalarAsync<long>("SELECT count(*) FROM switchyard.events WHERE kind = 'runner_lock_retaken'")).ShouldBeGreaterThan(0);
        var after = await db.InvariantsAsync();
        after.SameMoneyAs(before).ShouldBeTrue();
        after.StateMissing.ShouldBe(0);
    }
}
