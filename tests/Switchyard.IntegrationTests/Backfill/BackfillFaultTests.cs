using Microsoft.Extensions.Logging;
using Npgsql;
using Switchyard.Core.Backfill;

namespace Switchyard.IntegrationTests.Backfill;

public sealed class BackfillFaultTests : IClassFixture<ExpandedLedger>
{
    private readonly ExpandedLedger _db;

    public BackfillFaultTests(ExpandedLedger db) => _db = db;

    [Fact]
    public async Task StatementTimeout_SplitsTheBatch_AndTheBackfillStillCompletesExactly()
    {
        // Given rows whose update costs ~3 ms each (a slow trigger that does not stand aside for the backfill): one pass
        // of a 2,000-key window (125 rows, one key in 16) then takes 375 ms, over the timeout on any machine
        await _db.ResetAsync();
        var before = await _db.InvariantsAsync();
        await _db.ExecuteAsync("""
            CREATE OR REPLACE FUNCTION slow_rows() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.003); RETURN NEW; END $$;
            CREATE TRIGGER slow_rows BEFORE UPDATE ON transactions FOR EACH ROW WHEN (OLD.id <= 3000) EXECUTE FUNCTION slow_rows();
            """);
        try
        {
            // When the backfill starts with batches far too big for a 300 ms statement timeout
            var options = ExpandedLedger.SmallBatches(workers: 1) with
            {
                InitialBatchKeys = 2_000, MaxBatchKeys = 2_000, MinBatchKeys = 10,
                StatementTimeout = TimeSpan.FromMilliseconds(300), TargetBatchTime = TimeSpan.FromMilliseconds(100),
            };
            var outcome = await _db.Backfill().RunAsync(new BackfillRequest("split", ExpandedLedger.Target, options), [], null, CancellationToken.None);

            // Then batches were split until they fit, no key was skipped, and the result is exact
            outcome.ShouldBeOfType<BackfillCompleted>();
            outcome.Stats.Splits.ShouldBeGreaterThan(0);
            (await _db.ScalarAsync<long>("SELECT min(greatest(to_key - from_key, lead_to - lead_from)) FROM switchyard.backfill_batches WHERE migration = 'split' AND from_key < 3000"))
                .ShouldBeLessThan(2_000);
            var after = await _db.InvariantsAsync();
            after.SameMoneyAs(before).ShouldBeTrue($"{before} vs {after}");
            after.StateMissing.ShouldBe(0);
            after.StatusStateDisagreements.ShouldBe(0);
        }
        finally
        {
            await _db.ExecuteAsync("DROP TRIGGER slow_rows ON transactions; DROP FUNCTION slow_rows()");
        }
    }

    [Fact]
    public async Task ARowLockHeldByAnotherSession_MakesTheBatchRetry_ThenItCompletesAfterTheHolderCommits()
    {
        // Given another session holding a row lock in the middle of the first range
        await _db.ResetAsync();
        var before = await _db.InvariantsAsync();
        await using var holderSource = _db.NewDataSource("row-lock-holder");
        await using var holder = await holderSource.OpenConnectionAsync();
        await using var holderTx = await holder.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand("SELECT id FROM transactions WHERE id = 500 FOR UPDATE", holder, holderTx))
            await lockRow.ExecuteScalarAsync();

        // When the backfill runs with a short lock timeout, and the holder commits after a while
        var options = ExpandedLedger.SmallBatches() with
        {
            LockTimeout = TimeSpan.FromMilliseconds(50), MaxAttempts = 1000,
            RetryBaseDelay = TimeSpan.FromMilliseconds(20), RetryMaxDelay = TimeSpan.FromMilliseconds(100),
        };
        var retries = new RetryCounter();
        var run = new BackfillRunner(_db.Runner(), retries).RunAsync(new BackfillRequest("row-lock", ExpandedLedger.Target, options), [], null, CancellationToken.None);
        while (retries.Count < 3 && !run.IsCompleted) await Task.Delay(10);
        var rowBeforeRelease = await _db.ScalarAsync<int?>("SELECT state_id FROM transactions WHERE id = 500");
        var releasedAt = await _db.ScalarAsync<DateTime>("SELECT clock_timestamp()::timestamp");
        await holderTx.CommitAsync();
        var outcome = await run;

        // Then the blocked batch was retried rather than failed, committed only after the holder let go, and the result is exact
        outcome.ShouldBeOfType<BackfillCompleted>(outcome.ToString());
        outcome.Stats.Retries.ShouldBeGreaterThan(0);
        rowBeforeRelease.ShouldBeNull();
        // (the batch whose trail completed key 500's window: an early pass that reached the row first was retried with it)
        var committedAt = await _db.ScalarAsync<DateTime>("SELECT at::timestamp FROM switchyard.backfill_batches WHERE migration = 'row-lock' AND 500 >= from_key AND 500 < to_key ORDER BY id LIMIT 1");
        committedAt.ShouldBeGreaterThan(releasedAt);
        var after = await _db.InvariantsAsync();
        after.SameMoneyAs(before).ShouldBeTrue($"{before} vs {after}");
        after.StateMissing.ShouldBe(0);
        after.StatusStateDisagreements.ShouldBe(0);
    }

    [Fact]
    public async Task RetriesRunningOut_PausesTheBackfillWithTheReason_AndARerunResumesToCompletion()
    {
        // Given a lock that is never released while the backfill runs, and few attempts per batch
        await _db.ResetAsync();
        var before = await _db.InvariantsAsync();
        await using var holderSource = _db.NewDataSource("stuck-holder");
        await using var holder = await holderSource.OpenConnectionAsync();
        await using var holderTx = await holder.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand("SELECT id FROM transactions WHERE id = 700 FOR UPDATE", holder, holderTx))
            await lockRow.ExecuteScalarAsync();
        var options = ExpandedLedger.SmallBatches(workers: 1) with
        {
            LockTimeout = TimeSpan.FromMilliseconds(50), MaxAttempts = 3,
            RetryBaseDelay = TimeSpan.FromMilliseconds(10), RetryMaxDelay = TimeSpan.FromMilliseconds(20),
        };

        // When the backfill runs
        var pausedEventsBefore = await PausedEventsAsync();
        var outcome = await _db.Backfill().RunAsync(new BackfillRequest("stuck", ExpandedLedger.Target, options), [], null, CancellationToken.None);

        // Then it is Paused, saying why, in its result and in the journal; nothing is half-done
        var paused = outcome.ShouldBeOfType<BackfillPaused>();
        paused.Reason.ShouldContain("lock timeout");
        outcome.Stats.Retries.ShouldBe(2);
        (await _db.RunStateAsync("stuck")).ShouldBe("paused");
        (await _db.ScalarAsync<string>("SELECT reason FROM switchyard.backfill_runs WHERE migration = 'stuck'"))!.ShouldContain("lock timeout");
        (await PausedEventsAsync()).ShouldBe(pausedEventsBefore + 1);
        (await _db.InvariantsAsync()).SameMoneyAs(before).ShouldBeTrue();

        // And once the holder is gone, the same backfill resumes and completes
        await holderTx.CommitAsync();
        var resumed = await _db.Backfill().RunAsync(new BackfillRequest("stuck", ExpandedLedger.Target, options), [], null, CancellationToken.None);
        resumed.ShouldBeOfType<BackfillCompleted>();
        var after = await _db.InvariantsAsync();
        after.SameMoneyAs(before).ShouldBeTrue($"{before} vs {after}");
        after.StateMissing.ShouldBe(0);
        after.StatusStateDisagreements.ShouldBe(0);
    }

    private async Task<long> PausedEventsAsync() =>
        await _db.ScalarAsync<bool>("SELECT to_regclass('switchyard.events') IS NOT NULL")
            ? await _db.ScalarAsync<long>("SELECT count(*) FROM switchyard.events WHERE kind = 'backfill.paused'")
            : 0;

    /// <summary>Counts the runner's batch-retry log events (event id 4001), so the test knows a batch really waited.</summary>
    private sealed class RetryCounter : ILogger<BackfillRunner>
    {
        private int _count;
        public int Count => Volatile.Read(ref _count);
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == 4001) Interlocked.Increment(ref _count);
        }
    }
}
