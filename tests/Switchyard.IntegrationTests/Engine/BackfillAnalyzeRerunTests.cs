using Npgsql;
using Switchyard.Core.Engine;
using Switchyard.Core.Execution;
using Switchyard.Core.Planning;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Engine;

public sealed class BackfillAnalyzeRerunTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task BackfillStep_ItsAnalyzeFailed_IsNotDoneAndTheRerunRunsIt()
    {
        // Given the flagship migration expanded, and a session holding SHARE UPDATE EXCLUSIVE on transactions
        // (what autovacuum holds; the backfill's row updates do not conflict with it, its ANALYZE does)
        var spec = FlagshipSpec.Load();
        await FlagshipSpec.Engine(db).ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Expand }, CancellationToken.None);
        var before = await db.InvariantsAsync();
        var analyzedBefore = await LastAnalyzeAsync();
        await using var holderSource = db.NewDataSource("test-vacuum-like");
        await using (var holder = await holderSource.OpenConnectionAsync())
        {
            await using var tx = await holder.BeginTransactionAsync();
            await using (var lockIt = new NpgsqlCommand("LOCK TABLE transactions IN SHARE UPDATE EXCLUSIVE MODE", holder, tx)) await lockIt.ExecuteNonQueryAsync();

            // When apply --to backfill fills every row but its final ANALYZE cannot get its lock
            var failed = await Should.ThrowAsync<LockNotAcquiredException>(() => FlagshipSpec.Engine(db, new SafeSqlOptions { ConflictWaitBudget = TimeSpan.FromSeconds(1) })
                .ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Backfill }, CancellationToken.None));
            failed.Message.ShouldContain("ANALYZE");
            await tx.RollbackAsync();
        }

        // Then the step is not journaled done, and ANALYZE did not run
        (await db.ScalarAsync<string>("SELECT state FROM switchyard.backfill_runs")).ShouldBe("completed");
        (await db.ScalarAsync<string>("SELECT status FROM switchyard.steps WHERE phase = 'backfill'")).ShouldBe("failed");
        (await LastAnalyzeAsync()).ShouldBe(analyzedBefore);

        // When the same command runs again
        var rerun = await FlagshipSpec.Engine(db).ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Backfill }, CancellationToken.None);

        // Then it really ran the ANALYZE before journaling the step done
        rerun.State.ShouldBe("waiting");
        (await db.ScalarAsync<string>("SELECT status FROM switchyard.steps WHERE phase = 'backfill'")).ShouldBe("done");
        var analyzedAfter = await LastAnalyzeAsync();
        analyzedAfter.ShouldNotBeNull();
        if (analyzedBefore is { } earlier) analyzedAfter.Value.ShouldBeGreaterThan(earlier);
        var after = await db.InvariantsAsync();
        after.SameMoneyAs(before).ShouldBeTrue();
        after.StateMissing.ShouldBe(0);
    }

    private Task<DateTime?> LastAnalyzeAsync() => db.ScalarAsync<DateTime?>("SELECT last_analyze FROM pg_stat_user_tables WHERE relid = 'transactions'::regclass");
}
