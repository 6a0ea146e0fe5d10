using Npgsql;
using Switchyard.IntegrationTests.Infrastructure;
using Switchyard.Samples.Ledger.App.V1;
using Switchyard.Samples.Ledger.Schema;

namespace Switchyard.IntegrationTests.Workload;

public sealed class LedgerAppV1Tests : IClassFixture<LedgerDatabase>
{
    private readonly LedgerDatabase _db;
    private readonly LedgerAppV1 _app;

    public LedgerAppV1Tests(LedgerDatabase db)
    {
        _db = db;
        _app = new LedgerAppV1(db.DataSource);
    }

    [Fact]
    public async Task Lifecycle_StepsOutOfOrderThenInOrder_MovesForwardOnlyAndAChargebackWritesItsRowWithTheStatus()
    {
        // Given a fresh authorization
        var id = await _app.AuthorizeAsync(1, 1, 12_345, "EUR", CancellationToken.None);
        (await _app.ReadStatusAsync(id, CancellationToken.None)).ShouldBe(LedgerStatuses.Authorized);

        // When steps are tried out of order, then in order
        (await _app.SettleAsync(id, CancellationToken.None)).ShouldBeFalse();
        (await _app.ChargebackAsync(id, "fraud", CancellationToken.None)).ShouldBeFalse();
        (await _app.CaptureAsync(id, CancellationToken.None)).ShouldBeTrue();
        (await _app.CaptureAsync(id, CancellationToken.None)).ShouldBeFalse();
        (await _app.SettleAsync(id, CancellationToken.None)).ShouldBeTrue();
        (await _app.ChargebackAsync(id, "fraud", CancellationToken.None)).ShouldBeTrue();
        (await _app.RefundAsync(id, CancellationToken.None)).ShouldBeFalse();

        // Then only the in-order steps applied, and the chargeback row came with the status change, once
        (await _db.ScalarAsync<string>($"SELECT status FROM transactions WHERE id = {id}")).ShouldBe(LedgerStatuses.ChargedBack);
        (await _db.ScalarAsync<long>($"SELECT count(*) FROM chargebacks WHERE transaction_id = {id} AND amount_minor = 12345 AND reason_code = 'fraud'")).ShouldBe(1);
    }

    [Fact]
    public async Task Reads_DirtyLegacyValues_AreReadAndGuardedTheWayTheLedgerHasAlwaysReadThem()
    {
        // Given rows whose legacy status is a typo or has stray case and whitespace
        var typo = await _app.AuthorizeAsync(2, 2, 500, "GBP", CancellationToken.None);
        var padded = await _app.AuthorizeAsync(2, 2, 700, "GBP", CancellationToken.None);
        await _db.ExecuteAsync($"UPDATE transactions SET status = 'auth' WHERE id = {typo}");
        await _db.ExecuteAsync($"UPDATE transactions SET status = ' Captured ' WHERE id = {padded}");

        // When the app reads and moves them
        (await _app.ReadStatusAsync(typo, CancellationToken.None)).ShouldBe(LedgerStatuses.Authorized);
        (await _app.CaptureAsync(typo, CancellationToken.None)).ShouldBeTrue();
        (await _app.CaptureAsync(padded, CancellationToken.None)).ShouldBeFalse();
        (await _app.SettleAsync(padded, CancellationToken.None)).ShouldBeTrue();

        // Then it wrote canonical codes
        (await _db.ScalarAsync<string>($"SELECT status FROM transactions WHERE id = {typo}")).ShouldBe("captured");
        (await _db.ScalarAsync<string>($"SELECT status FROM transactions WHERE id = {padded}")).ShouldBe("settled");
    }

    [Fact]
    public async Task BalanceAndRiskReads_AgreeWithTheLedgersOwnDefinitions()
    {
        // Given an account with many seeded transactions, some of them dirty
        var account = await _db.ScalarAsync<long>("SELECT account_id FROM transactions WHERE status <> lower(btrim(status)) ORDER BY id LIMIT 1");

        // When the app reads its balance and recent transactions
        var balance = await _app.ReadBalanceAsync(account, CancellationToken.None);
        var recent = await _app.RecentTransactionsAsync(account, 5, CancellationToken.None);

        // Then the balance is the ledger's balance row for the account, and the recent list is the newest five, canonical
        await using (var cmd = _db.DataSource.CreateCommand($"SELECT held_minor, settled_minor, refunded_minor, charged_back_minor FROM ({LedgerSchema.AccountBalancesSql}) b WHERE account_id = {account}"))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            (await reader.ReadAsync()).ShouldBeTrue();
            balance.ShouldBe(new(account, reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)));
        }
        (balance.HeldMinor + balance.SettledMinor + balance.RefundedMinor + balance.ChargedBackMinor).ShouldBeGreaterThan(0);
        recent.Count.ShouldBe(5);
        recent.Select(r => r.Id).ShouldBe(await IdsAsync($"SELECT id FROM transactions WHERE account_id = {account} ORDER BY created_at DESC LIMIT 5"));
        recent.ShouldAllBe(r => LedgerStatuses.All.Contains(r.Status));
    }

    private async Task<List<long>> IdsAsync(string sql)
    {
        await using var cmd = _db.DataSource.CreateCommand(sql);
        await using var reader = await cmd.ExecuteReaderAsync();
        var ids = new List<long>();
        while (await reader.ReadAsync()) ids.Add(reader.GetInt64(0));
        return ids;
    }
}
