using Switchyard.IntegrationTests.Infrastructure;
using Switchyard.Samples.Ledger.Invariants;
using Switchyard.Samples.Ledger.Seeding;

namespace Switchyard.IntegrationTests.Foundation;

public sealed class LedgerSeederTests : IClassFixture<LedgerDatabase>
{
    private readonly LedgerDatabase _db;

    public LedgerSeederTests(LedgerDatabase db) => _db = db;

    [Fact]
    public async Task Seed_LoadsRequestedRowsWithLegacyDirtAndConsistentInvariants()
    {
        (await _db.ScalarAsync<long>("SELECT count(*) FROM transactions")).ShouldBe(20_000);
        (await _db.ScalarAsync<long>("SELECT count(DISTINCT account_id) FROM transactions")).ShouldBeGreaterThan(50);
        // Dirty legacy values exist: stray case or whitespace, and known typos.
        (await _db.ScalarAsync<long>("SELECT count(*) FROM transactions WHERE status <> lower(btrim(status))")).ShouldBeGreaterThan(0);
        (await _db.ScalarAsync<long>("SELECT count(*) FROM transactions WHERE status NOT IN ('authorized','captured','settled','refunded','declined','voided','charged_back')")).ShouldBeGreaterThan(0);
        // created_at spreads over months.
        (await _db.ScalarAsync<decimal>("SELECT extract(epoch FROM max(created_at) - min(created_at)) / 86400 FROM transactions")).ShouldBeGreaterThan(150);
        // Chargebacks reference charged-back transactions.
        (await _db.ScalarAsync<long>("SELECT count(*) FROM chargebacks")).ShouldBe(_db.Seeded.Chargebacks);

        var invariants = await _db.InvariantsAsync();
        invariants.Transactions.ShouldBe(20_000);
        invariants.SumAmountMinor.ShouldBe(await _db.ScalarAsync<decimal>("SELECT sum(amount_minor)::numeric FROM transactions"));
        invariants.BalanceChecksum.Length.ShouldBe(32);
        invariants.StateMissing.ShouldBeNull();
    }

    [Fact]
    public async Task Invariants_SeeAOneCentChange()
    {
        var before = await _db.InvariantsAsync();
        await _db.ExecuteAsync("UPDATE transactions SET amount_minor = amount_minor + 1 WHERE id = 7");
        try
        {
            var after = await _db.InvariantsAsync();
            after.SameMoneyAs(before).ShouldBeFalse();
            after.BalanceChecksum.ShouldNotBe(before.BalanceChecksum);
        }
        finally
        {
            await _db.ExecuteAsync("UPDATE transactions SET amount_minor = amount_minor - 1 WHERE id = 7");
        }
        (await _db.InvariantsAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task Seed_IsDeterministicForTheSameOptions()
    {
        var other = new LedgerDatabase();
        await other.InitializeAsync();
        try
        {
            (await other.InvariantsAsync()).ShouldBe(await _db.InvariantsAsync());
        }
        finally
        {
            await other.DisposeAsync();
        }
    }
}
