using Npgsql;
using Switchyard.Core.Backfill;
using Switchyard.Samples.Ledger.Invariants;

namespace Switchyard.IntegrationTests.Backfill;

public sealed class BackfillUnderConcurrentWritesTests : IClassFixture<ExpandedLedger>
{
    private readonly ExpandedLedger _db;

    public BackfillUnderConcurrentWritesTests(ExpandedLedger db) => _db = db;

    [Fact]
    public async Task Backfill_WhileLegacyAndNewWritersInsertAndUpdate_EndsWithEveryRowsStateMatchingItsStatus()
    {
        // Given an expanded ledger and writers of both app versions running against it
        await _db.ResetAsync();
        var before = await _db.InvariantsAsync();
        using var stop = new CancellationTokenSource();
        var inserted = new long[4];
        var insertedAmount = new long[4];
        var updates = new long[4];
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            await using var conn = await _db.DataSource.OpenConnectionAsync();
            while (!stop.IsCancellationRequested)
            {
                var id = random.Next(1, 20_000);
                var amount = random.Next(100, 10_000);
                var sql = (w, random.Next(3)) switch
                {
                    // legacy writers (app v1): status only
                    (0 or 1, 0) => $"INSERT INTO transactions (account_id, merchant_id, amount_minor, currency, status, created_at, updated_at) VALUES (1, 1, {amount}, 'EUR', 'authorized', now(), now())",
                    (0 or 1, 1) => $"UPDATE transactions SET status = 'settled', updated_at = now() WHERE id = {id} AND status IN ('captured', 'Captured', 'captrued')",
                    (0 or 1, _) => $"UPDATE transactions SET status = ' Refunded', updated_at = now() WHERE id = {id} AND lower(btrim(status)) IN ('settled', 'setled')",
                    // new writers (app v2): state_id only, or both
                    (_, 0) => $"INSERT INTO transactions (account_id, merchant_id, amount_minor, currency, status, state_id, created_at, updated_at) VALUES (1, 1, {amount}, 'EUR', 'authorized', 1, now(), now())",
                    (_, 1) => $"UPDATE transactions SET state_id = 2, updated_at = now() WHERE id = {id} AND lower(btrim(status)) IN ('authorized', 'auth')",
                    _ => $"UPDATE transactions SET state_id = 6, status = 'voided', updated_at = now() WHERE id = {id} AND lower(btrim(status)) IN ('authorized', 'auth')",
                };
                await using var cmd = new NpgsqlCommand(sql, conn);
                var n = await cmd.ExecuteNonQueryAsync();
                if (sql.StartsWith("INSERT", StringComparison.Ordinal)) { inserted[w]++; insertedAmount[w] += amount; }
                else updates[w] += n;
            }
        })).ToList();
        await Task.Delay(200);

        // When the backfill runs meanwhile with small batches and two workers
        var outcome = await _db.Backfill().RunAsync(new BackfillRequest("concurrent", ExpandedLedger.Target, ExpandedLedger.SmallBatches()), [], null, CancellationToken.None);
        await Task.Delay(200);
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        // Then it completed, every row (old, new, updated by either version) has the state its status maps to,
        // and no transaction or amount was lost or invented
        outcome.ShouldBeOfType<BackfillCompleted>();
        outcome.Stats.Batches.ShouldBeGreaterThan(10);
        updates.Sum().ShouldBeGreaterThan(0);
        inserted.Sum().ShouldBeGreaterThan(0);
        var after = await _db.InvariantsAsync();
        after.StateMissing.ShouldBe(0);
        after.StatusStateDisagreements.ShouldBe(0);
        after.Transactions.ShouldBe(before.Transactions + inserted.Sum());
        after.SumAmountMinor.ShouldBe(before.SumAmountMinor + insertedAmount.Sum());
        after.Chargebacks.ShouldBe(before.Chargebacks);
    }

    [Fact]
    public async Task Backfill_NeverOverwritesAStateTheApplicationWroteForAnUnbackfilledRow()
    {
        // Given rows a new writer already moved on (state_id written, trigger kept status in step)
        await _db.ResetAsync();
        await _db.ExecuteAsync("UPDATE transactions SET state_id = 6 WHERE id IN (SELECT id FROM transactions WHERE lower(btrim(status)) = 'authorized' ORDER BY id LIMIT 50)");
        var moved = await _db.ScalarAsync<long>("SELECT count(*) FROM transactions WHERE state_id = 6 AND status = 'voided'");
        moved.ShouldBe(50);

        // When the backfill runs
        var outcome = await _db.Backfill().RunAsync(new BackfillRequest("no-overwrite", ExpandedLedger.Target, ExpandedLedger.SmallBatches()), [], null, CancellationToken.None);

        // Then those rows keep the application's value, were not counted as updated, and the rest is filled
        outcome.ShouldBeOfType<BackfillCompleted>();
        (await _db.ScalarAsync<long>("SELECT count(*) FROM transactions WHERE state_id = 6 AND status = 'voided'")).ShouldBeGreaterThanOrEqualTo(50);
        var total = await _db.ScalarAsync<long>("SELECT count(*) FROM transactions");
        outcome.Stats.RowsUpdated.ShouldBe(total - 50);
        var after = await _db.InvariantsAsync();
        after.StateMissing.ShouldBe(0);
        after.StatusStateDisagreements.ShouldBe(0);
    }
}
