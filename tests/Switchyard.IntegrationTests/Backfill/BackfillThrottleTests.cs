using Switchyard.Core.Backfill;
using Switchyard.Core.Execution;

namespace Switchyard.IntegrationTests.Backfill;

public sealed class BackfillThrottleTests : IClassFixture<ExpandedLedger>
{
    private readonly ExpandedLedger _db;

    public BackfillThrottleTests(ExpandedLedger db) => _db = db;

    private async Task<long> RegisterMigrationAsync(string name, bool paused)
    {
        await BackfillSchema.EnsureAsync(_db.Runner(), CancellationToken.None);
        var id = await _db.ScalarAsync<long>($"INSERT INTO switchyard.migrations (name, target_table, spec_checksum) VALUES ('{name}', 'public.transactions', 'test') RETURNING id");
        await _db.ExecuteAsync($"INSERT INTO switchyard.control (migration_id, paused, reason) VALUES ({id}, {paused}, 'change freeze')");
        return id;
    }

    [Fact]
    public async Task OperatorPause_HoldsEveryWorkerBeforeItsNextBatch_ResumeLetsItFinish()
    {
        // Given a migration the operator has paused
        await _db.ResetAsync();
        var before = await _db.InvariantsAsync();
        var id = await RegisterMigrationAsync("paused-by-operator", paused: true);
        var sql = _db.Runner();
        var control = new OperatorControlThrottle(sql) { RefreshInterval = TimeSpan.FromMilliseconds(20), PausePoll = TimeSpan.FromMilliseconds(50) };
        var counting = new CountingThrottle();

        // When the backfill starts
        var run = _db.Backfill().RunAsync(new BackfillRequest("paused-by-operator", ExpandedLedger.Target, ExpandedLedger.SmallBatches()), [control, counting], null, CancellationToken.None);

        // Then it holds: the journal says paused with the operator's reason, and no batch commits however often it asks
        while (await _db.RunStateAsync("paused-by-operator") != "paused") await Task.Delay(20);
        var asked = counting.Calls;
        while (counting.Calls < asked + 20) await Task.Delay(20);
        (await _db.BatchesAsync("paused-by-operator")).ShouldBe(0);
        (await _db.ScalarAsync<string>("SELECT reason FROM switchyard.backfill_runs WHERE migration = 'paused-by-operator'"))!.ShouldContain("change freeze");
        (await BackfillProgressReader.ReadAsync(sql, "paused-by-operator", CancellationToken.None))!.State.ShouldBe("paused");
        run.IsCompleted.ShouldBeFalse();

        // And after resume it runs to completion
        await _db.ExecuteAsync($"UPDATE switchyard.control SET paused = false WHERE migration_id = {id}");
        var outcome = await run;
        outcome.ShouldBeOfType<BackfillCompleted>();
        (await _db.BatchesAsync("paused-by-operator")).ShouldBeGreaterThan(0);
        var after = await _db.InvariantsAsync();
        after.SameMoneyAs(before).ShouldBeTrue();
        after.StateMissing.ShouldBe(0);
        after.StatusStateDisagreements.ShouldBe(0);
        var progress = await BackfillProgressReader.ReadAsync(sql, "paused-by-operator", CancellationToken.None);
        progress!.State.ShouldBe("completed");
        progress.RowsDone.ShouldBe(outcome.Stats.RowsUpdated);
        progress.Workers.Count.ShouldBe(2);
        progress.Workers.ShouldAllBe(w => w.Done);
    }

    [Fact]
    public async Task OperatorAbort_StopsTheBackfill_KeepingWhatIsDone()
    {
        await _db.ResetAsync();
        var before = await _db.InvariantsAsync();
        var id = await RegisterMigrationAsync("aborted-by-operator", paused: false);
        await _db.ExecuteAsync($"UPDATE switchyard.control SET abort_requested = true, reason = 'wrong table' WHERE migration_id = {id}");
        var control = new OperatorControlThrottle(_db.Runner());

        var outcome = await _db.Backfill().RunAsync(new BackfillRequest("aborted-by-operator", ExpandedLedger.Target, ExpandedLedger.SmallBatches()), [control], null, CancellationToken.None);

        outcome.ShouldBeOfType<BackfillAborted>().Reason.ShouldContain("wrong table");
        (await _db.RunStateAsync("aborted-by-operator")).ShouldBe("aborted");
        (await _db.BatchesAsync("aborted-by-operator")).ShouldBe(0);
        (await _db.InvariantsAsync()).SameMoneyAs(before).ShouldBeTrue();
    }

    [Fact]
    public async Task RowsPerSecondLimit_IsAskedBeforeEveryBatch_AndSlowsItDown()
    {
        // Given a limit well below what the machine can do
        await _db.ResetAsync();
        var before = await _db.InvariantsAsync();
        var counting = new CountingThrottle();
        var limit = new RowRateThrottle(5_000);

        // When the backfill runs with it
        var outcome = await _db.Backfill().RunAsync(new BackfillRequest("rate-limited", ExpandedLedger.Target, ExpandedLedger.SmallBatches()), [limit, counting], null, CancellationToken.None);

        // Then every batch asked first, the limit made batches wait, and the journal's rate respects the limit
        outcome.ShouldBeOfType<BackfillCompleted>();
        counting.Calls.ShouldBeGreaterThanOrEqualTo((int)outcome.Stats.Batches);
        outcome.Stats.ThrottleWaits.ShouldBeGreaterThan(0);
        var seconds = await _db.ScalarAsync<double>("SELECT extract(epoch FROM max(at) - min(at))::float8 FROM switchyard.backfill_batches WHERE migration = 'rate-limited'");
        var rowsAfterFirst = await _db.ScalarAsync<decimal>("SELECT sum(rows_updated) - (SELECT rows_updated FROM switchyard.backfill_batches WHERE migration = 'rate-limited' ORDER BY id LIMIT 1) FROM switchyard.backfill_batches WHERE migration = 'rate-limited'");
        ((double)rowsAfterFirst / seconds).ShouldBeLessThan(5_000 * 1.2, "a rate limit may only make the backfill slower");
        var after = await _db.InvariantsAsync();
        after.SameMoneyAs(before).ShouldBeTrue();
        after.StateMissing.ShouldBe(0);
    }

    private sealed class CountingThrottle : IBackfillThrottle
    {
        private int _calls;
        public int Calls => Volatile.Read(ref _calls);

        public ValueTask<ThrottleDecision> BeforeBatchAsync(BatchContext batch, CancellationToken ct)
        {
            Interlocked.Increment(ref _calls);
            return ValueTask.FromResult(ThrottleDecision.Proceed);
        }
    }
}
