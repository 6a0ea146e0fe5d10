using Npgsql;
using Switchyard.Core.Engine;
using Switchyard.Core.Execution;
using Switchyard.Core.Planning;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Engine;

public sealed class LockSafetyTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    private const string Migrator = "switchyard-migrator";

    /// <summary>App sessions that waited behind the migrator's pid, sampled from pg_stat_activity / pg_blocking_pids.</summary>
    private const string BlockedByMigrator = """
        SELECT count(*) FROM pg_stat_activity a
        WHERE a.application_name = 'ledger-app'
          AND EXISTS (SELECT 1 FROM unnest(pg_blocking_pids(a.pid)) b JOIN pg_stat_activity m ON m.pid = b WHERE m.application_name = 'switchyard-migrator')
        """;

    [Fact]
    public async Task Ddl_HolderOpen_WaitsOutsideTheLockQueueSoNoAppSessionWaitsBehindItThenSucceeds()
    {
        // Given app traffic and a session holding a lock on transactions in an open transaction
        var before = await db.InvariantsAsync();
        await using var app = db.NewDataSource("ledger-app");
        await using var monitor = db.NewDataSource("lock-monitor");
        await using var migratorSource = db.NewDataSource(Migrator);
        await using var holder = await db.NewDataSource("holder").OpenConnectionAsync();
        await using var holderTx = await holder.BeginTransactionAsync();
        await using (var c = new NpgsqlCommand("SELECT count(*) FROM transactions", holder, holderTx)) await c.ExecuteScalarAsync();
        var holderPid = holder.ProcessID;
        using var stop = new CancellationTokenSource();
        long appOps = 0, maxBlockedWhileHeld = 0, samplesWhileHeld = 0;
        // Sampled only while the holder is open: that is when queueing behind it would stall the app. Once it
        // commits, the DDL itself takes its lock briefly, which is expected and bounded by lock_timeout.
        var holderOpen = 0;
        var workload = Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await using var cmd = app.CreateCommand(w == 0
                    ? "UPDATE transactions SET updated_at = now() WHERE id = (random() * 1000)::int + 1"
                    : "SELECT amount_minor FROM transactions WHERE id = (random() * 19000)::int + 1");
                await cmd.ExecuteNonQueryAsync();
                Interlocked.Increment(ref appOps);
                await Task.Delay(5);
            }
        })).ToList();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var open = Volatile.Read(ref holderOpen) == 1;
                await using var cmd = monitor.CreateCommand(BlockedByMigrator);
                var blocked = (long)(await cmd.ExecuteScalarAsync())!;
                if (open && Volatile.Read(ref holderOpen) == 1)
                {
                    maxBlockedWhileHeld = Math.Max(maxBlockedWhileHeld, blocked);
                    samplesWhileHeld++;
                }
                await Task.Delay(10);
            }
        });

        // When Expand runs while the holder stays open a few seconds
        var engine = new MigrationEngine(new SafeSqlRunner(migratorSource, new SafeSqlOptions { LockTimeout = TimeSpan.FromMilliseconds(200) }));
        var apply = engine.ApplyAsync(FlagshipSpec.Load(), new ApplyOptions { To = MigrationPhase.Expand }, CancellationToken.None);
        // (the hold is timed from the moment the migrator reaches the step that needs the lock, whatever the machine's load)
        for (var i = 0; i < 600; i++)
        {
            if (await db.ScalarAsync<bool>("SELECT to_regclass('switchyard.steps') IS NOT NULL")
                && await db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM switchyard.steps WHERE step_key = 'expand.transactions.status.add_target' AND status = 'running')"))
                break;
            await Task.Delay(50);
        }
        var opsAtStep = Interlocked.Read(ref appOps);
        Volatile.Write(ref holderOpen, 1);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Volatile.Write(ref holderOpen, 2);
        var opsWhileHeld = Interlocked.Read(ref appOps) - opsAtStep;
        var addColumnDoneWhileHeld = await db.ScalarAsync<long>("SELECT count(*) FROM switchyard.steps WHERE step_key = 'expand.transactions.status.add_target' AND status = 'done'");
        await holderTx.CommitAsync();
        var result = await apply;
        await Task.Delay(300);
        stop.Cancel();
        await Task.WhenAll(workload);
        await sampler;

        // Then the DDL had not run while the holder was open, nobody queued behind the migrator, app work kept flowing, and it then succeeded
        addColumnDoneWhileHeld.ShouldBe(0);
        maxBlockedWhileHeld.ShouldBe(0, $"sessions waited behind the migrator in {samplesWhileHeld} samples while the holder was open");
        samplesWhileHeld.ShouldBeGreaterThan(20);
        opsWhileHeld.ShouldBeGreaterThan(20);
        result.State.ShouldBe("waiting");
        (await db.ScalarAsync<string>("SELECT error FROM switchyard.steps WHERE step_key = 'expand.transactions.status.add_target'")).ShouldBeNull();
        var doneEvent = await db.ScalarAsync<string>("SELECT string_agg(message, ' | ') FROM switchyard.events WHERE kind = 'step_done' AND message LIKE '%add_target%'");
        (doneEvent ?? "").ShouldContain($"{holderPid}", Case.Sensitive, doneEvent);
        (await db.InvariantsAsync()).SameMoneyAs(before).ShouldBeTrue();
    }
}

public sealed class LockBudgetTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task Ddl_HolderOutlastsTheBudget_StepFailsNamingItsPidAndARerunContinues()
    {
        // Given a holder of a lock on transactions in an open transaction
        var before = await db.InvariantsAsync();
        await using var holder = await db.NewDataSource("long-report").OpenConnectionAsync();
        await using var holderTx = await holder.BeginTransactionAsync();
        await using (var c = new NpgsqlCommand("SELECT count(*) FROM transactions", holder, holderTx)) await c.ExecuteScalarAsync();

        // When Expand runs with a 1 s budget for waiting on holders
        var options = new SafeSqlOptions { ConflictWaitBudget = TimeSpan.FromSeconds(1) };
        var failure = await Should.ThrowAsync<LockNotAcquiredException>(() =>
            FlagshipSpec.Engine(db, options).ApplyAsync(FlagshipSpec.Load(), new ApplyOptions { To = MigrationPhase.Expand }, CancellationToken.None));

        // Then the error and the journal name the holder's pid and application_name; nothing half-done on transactions
        failure.Message.ShouldContain($"pid {holder.ProcessID}");
        failure.Message.ShouldContain("long-report");
        (await db.ScalarAsync<string>("SELECT status || ':' || error FROM switchyard.steps WHERE step_key = 'expand.transactions.status.add_target'"))!.ShouldContain("failed:Did not run `ALTER TABLE");
        (await db.ScalarAsync<string>("SELECT error FROM switchyard.steps WHERE step_key = 'expand.transactions.status.add_target'"))!.ShouldContain("outside the lock queue");
        (await db.ScalarAsync<string>("SELECT state FROM switchyard.migrations")).ShouldBe("failed");

        // When the holder ends and apply is re-run
        await holderTx.CommitAsync();
        var result = await FlagshipSpec.Engine(db, options).ApplyAsync(FlagshipSpec.Load(), new ApplyOptions { To = MigrationPhase.Expand }, CancellationToken.None);

        // Then it continues: earlier steps not repeated, the failed one on its second attempt
        result.State.ShouldBe("waiting");
        (await db.ScalarAsync<int>("SELECT attempts FROM switchyard.steps WHERE step_key = 'expand.transactions.status.create_lookup'")).ShouldBe(1);
        (await db.ScalarAsync<int>("SELECT attempts FROM switchyard.steps WHERE step_key = 'expand.transactions.status.add_target'")).ShouldBe(2);
        (await db.InvariantsAsync()).SameMoneyAs(before).ShouldBeTrue();
    }
}
