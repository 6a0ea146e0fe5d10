using Switchyard.Core.Execution;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Execution;

public sealed class AutovacuumYieldTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task Analyze_OnlyARealAutovacuumHoldsTheTable_QueuesSoItYieldsAndRuns()
    {
        // Given a table whose autovacuum is slowed to a crawl (one page per 100 ms) and has dead tuples to clean
        await db.ExecuteAsync("""
            CREATE TABLE av_probe (id int PRIMARY KEY, v int) WITH (autovacuum_vacuum_threshold = 0, autovacuum_vacuum_scale_factor = 0,
                autovacuum_vacuum_cost_delay = 100, autovacuum_vacuum_cost_limit = 1, autovacuum_analyze_threshold = 2000000000);
            INSERT INTO av_probe SELECT g, 0 FROM generate_series(1, 50000) g;
            UPDATE av_probe SET v = 1;
            """);
        // and a real autovacuum worker on it (the launcher visits each database once per autovacuum_naptime, 1 min)
        var worker = 0;
        for (var i = 0; i < 1500 && worker == 0; i++)
        {
            worker = await db.ScalarAsync<int>("SELECT coalesce((SELECT pid FROM pg_stat_activity WHERE backend_type = 'autovacuum worker' AND query LIKE '%av_probe%' LIMIT 1), 0)");
            if (worker == 0) await Task.Delay(100);
        }
        worker.ShouldNotBe(0, "no autovacuum worker reached av_probe within 150 s");

        // When ANALYZE (SHARE UPDATE EXCLUSIVE, which blocks no reader or writer) runs with a 1 s budget for waiting outside the queue
        var runner = db.Runner(new SafeSqlOptions { ConflictWaitBudget = TimeSpan.FromSeconds(1) });
        var outcome = await runner.ExecuteDdlAsync(DdlStatement.On(new QualifiedName("public", "av_probe"), LockMode.ShareUpdateExclusive, "ANALYZE av_probe"), CancellationToken.None);

        // Then it named the autovacuum worker, queued behind it so PostgreSQL cancelled it, and ran
        outcome.HoldersWaitedFor.ShouldContain(h => h.Pid == worker && h.IsAutovacuum);
        (await db.ScalarAsync<bool>("SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'av_probe'")).ShouldBeTrue();
    }
}
