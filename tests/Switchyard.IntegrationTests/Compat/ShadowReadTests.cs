using Npgsql;
using Switchyard.Compat.Flags;
using Switchyard.Compat.Mismatches;
using Switchyard.Compat.Reads;
using Switchyard.Samples.Ledger.App.V2;

namespace Switchyard.IntegrationTests.Compat;

public sealed class ShadowReadTests : IClassFixture<CompatLedgerDatabase>
{
    private const string Flag = LedgerAppV2.FlagKey;
    private readonly CompatLedgerDatabase _db;

    public ShadowReadTests(CompatLedgerDatabase db) => _db = db;

    /// <summary>Corrupts one row's state_id behind the trigger's back (as a buggy backfill would) and returns its old id.</summary>
    private async Task<int> PlantMismatchAsync(long transactionId, string wrongCode)
    {
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using (var role = new NpgsqlCommand("SET LOCAL switchyard.role = 'backfill'", connection, tx)) await role.ExecuteNonQueryAsync();
        await using var cmd = new NpgsqlCommand("""
            UPDATE transactions t SET state_id = (SELECT id FROM transaction_state WHERE code = $2)
            FROM transactions old WHERE old.id = t.id AND t.id = $1 RETURNING old.state_id
            """, connection, tx);
        cmd.Parameters.AddWithValue(transactionId);
        cmd.Parameters.AddWithValue(wrongCode);
        var oldState = (int)(await cmd.ExecuteScalarAsync())!;
        await tx.CommitAsync();
        return oldState;
    }

    private async Task RestoreAsync(long transactionId, int stateId)
    {
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using (var role = new NpgsqlCommand("SET LOCAL switchyard.role = 'backfill'", connection, tx)) await role.ExecuteNonQueryAsync();
        await using var cmd = new NpgsqlCommand($"UPDATE transactions SET state_id = {stateId} WHERE id = {transactionId}", connection, tx);
        await cmd.ExecuteNonQueryAsync();
        await tx.CommitAsync();
    }

    [Fact]
    public async Task ShadowReads_PlantedMismatch_ReturnLegacyDetectItAndReportItsKey()
    {
        // Given reads in shadow mode and one settled transaction whose state_id was corrupted to 'refunded'
        var version = await FlagStore.SetAsync(_db.DataSource, Flag, ReadMode.Shadow, 0, WriteMode.Both);
        await using var flags = await FlagClient.StartAsync(_db.DataSource);
        await FlagStore.WaitForVersionAsync(flags, Flag, version);
        using var recorder = new MismatchRecorder();
        var app = new LedgerAppV2(_db.DataSource, flags, new CompatReader(flags, recorder));
        var planted = await _db.ScalarAsync<long>("SELECT min(id) FROM transactions WHERE lower(btrim(status)) = 'settled'");
        var original = await PlantMismatchAsync(planted, "refunded");
        try
        {
            // When the app reads 50 clean rows and the planted one
            var clean = new List<long>();
            await using (var cmd = _db.DataSource.CreateCommand($"SELECT id FROM transactions WHERE id <> {planted} ORDER BY id LIMIT 50"))
            await using (var reader = await cmd.ExecuteReaderAsync())
                while (await reader.ReadAsync()) clean.Add(reader.GetInt64(0));
            foreach (var id in clean) await app.ReadStatusAsync(id, CancellationToken.None);
            var status = await app.ReadStatusAsync(planted, CancellationToken.None);

            // Then the caller got the legacy answer
            status.ShouldBe("settled");
            // And exactly one mismatch was recorded, keyed by the planted row
            var snapshot = recorder.Snapshot(Flag);
            snapshot.Reads.ShouldBe(51);
            snapshot.Mismatches.ShouldBe(1);
            snapshot.SampleKeys.ShouldBe([planted.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            snapshot.Rate.ShouldBe(1.0 / 51, 1e-9);
        }
        finally
        {
            await RestoreAsync(planted, original);
        }
    }

    [Fact]
    public async Task ShadowBalanceAndRecentReads_BadRow_FlagTheAccountHoldingIt()
    {
        // Given shadow mode and a corrupted row in one account
        var version = await FlagStore.SetAsync(_db.DataSource, Flag, ReadMode.Shadow, 0, WriteMode.Both);
        await using var flags = await FlagClient.StartAsync(_db.DataSource);
        await FlagStore.WaitForVersionAsync(flags, Flag, version);
        using var recorder = new MismatchRecorder();
        var app = new LedgerAppV2(_db.DataSource, flags, new CompatReader(flags, recorder));
        var (planted, account) = await NewestSettledAsync();
        var cleanAccount = await _db.ScalarAsync<long>($"SELECT min(account_id) FROM transactions WHERE account_id <> {account}");
        var original = await PlantMismatchAsync(planted, "captured");
        try
        {
            // When balances and the risk model's page are read for the bad account and a clean one
            var legacyBalance = await app.ReadBalanceAsync(account, CancellationToken.None);
            await app.ReadBalanceAsync(cleanAccount, CancellationToken.None);
            var page = await app.RecentTransactionsAsync(account, 500, CancellationToken.None);
            await app.RecentTransactionsAsync(cleanAccount, 500, CancellationToken.None);

            // Then the answers are legacy (the planted row still counts as settled)
            page.Single(t => t.Id == planted).Status.ShouldBe("settled");
            legacyBalance.SettledMinor.ShouldBe(await _db.ScalarAsync<long>($"SELECT coalesce(sum(amount_minor), 0)::bigint FROM transactions WHERE account_id = {account} AND lower(btrim(status)) IN ('settled', 'setled')"));
            // And two of four comparisons mismatched, both keyed by the bad account
            var snapshot = recorder.Snapshot(Flag);
            snapshot.Reads.ShouldBe(4);
            snapshot.Mismatches.ShouldBe(2);
            snapshot.SampleKeys.ShouldBe([account.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }
        finally
        {
            await RestoreAsync(planted, original);
        }
    }

    [Fact]
    public async Task Mismatches_PublishedIdempotently_WhereAGuardReadsTheFleetRate()
    {
        const string FleetFlag = "public.fleet.status";
        // Given two app instances with shadow figures for the flag (one saw a mismatch on key 7)
        using var first = new MismatchRecorder();
        using var second = new MismatchRecorder();
        for (var i = 0; i < 99; i++) first.Record(FleetFlag, i.ToString(System.Globalization.CultureInfo.InvariantCulture), matched: true);
        first.Record(FleetFlag, "7", matched: false);
        for (var i = 0; i < 100; i++) second.Record(FleetFlag, i.ToString(System.Globalization.CultureInfo.InvariantCulture), matched: true);

        // When both publish (the first twice, as its timer would) — starting at once, racing to create the table
        var publishers = await Task.WhenAll(
            MismatchPublisher.StartAsync(_db.DataSource, first, new MismatchPublisherOptions { InstanceId = "app-1", Interval = TimeSpan.FromHours(1) }),
            MismatchPublisher.StartAsync(_db.DataSource, second, new MismatchPublisherOptions { InstanceId = "app-2", Interval = TimeSpan.FromHours(1) }));
        try
        {
            await publishers[0].PublishAsync();
            await publishers[0].PublishAsync();
            await publishers[1].PublishAsync();

            // Then the table holds one row per instance, and the guard's query sees 1 mismatch in 200 reads with the key
            (await _db.ScalarAsync<long>($"SELECT count(*) FROM switchyard.compat_mismatches WHERE flag_key = '{FleetFlag}'")).ShouldBe(2);
            await using var cmd = _db.DataSource.CreateCommand(CompatMismatchesTable.FleetRateSql);
            cmd.Parameters.AddWithValue(FleetFlag);
            cmd.Parameters.AddWithValue("5 minutes");
            await using var reader = await cmd.ExecuteReaderAsync();
            (await reader.ReadAsync()).ShouldBeTrue();
            reader.GetInt64(0).ShouldBe(200);
            reader.GetInt64(1).ShouldBe(1);
            reader.GetDouble(2).ShouldBe(0.005, 1e-12);
            reader.GetFieldValue<string[]>(3).ShouldBe(["7"]);
        }
        finally
        {
            foreach (var p in publishers) await p.DisposeAsync();
        }
    }

    [Fact]
    public async Task ShadowRead_NewReadFails_NeverFailsTheCallerAndCountsAsAnErrorWithItsKey()
    {
        // Given shadow mode and a new-shape read that throws
        var version = await FlagStore.SetAsync(_db.DataSource, "public.failing.status", ReadMode.Shadow, 0, WriteMode.Both);
        await using var flags = await FlagClient.StartAsync(_db.DataSource);
        await FlagStore.WaitForVersionAsync(flags, "public.failing.status", version);
        using var recorder = new MismatchRecorder();
        var reader = new CompatReader(flags, recorder);

        // When a read runs
        var result = await reader.ReadAsync("public.failing.status", "acct-9", new CompatRead<long>(
            async ct => await _db.ScalarAsync<long>("SELECT 42::bigint"),
            async ct => await _db.ScalarAsync<long>("SELECT count(*) FROM no_such_table")), CancellationToken.None);

        // Then the caller gets legacy, and the failure is counted with its key
        result.ShouldBe(42);
        var snapshot = recorder.Snapshot("public.failing.status");
        (snapshot.Reads, snapshot.Mismatches, snapshot.Errors).ShouldBe((1L, 0L, 1L));
        snapshot.Rate.ShouldBe(1.0);
        snapshot.SampleKeys.ShouldBe(["acct-9"]);
    }

    [Fact]
    public async Task MismatchRate_OverTheThreshold_GuardRollsReadsBackAndEveryAppFollows()
    {
        // Given an app reading in shadow mode, and one corrupted row
        var version = await FlagStore.SetAsync(_db.DataSource, Flag, ReadMode.Shadow, 0, WriteMode.Both);
        await using var flags = await FlagClient.StartAsync(_db.DataSource, new FlagClientOptions { PollInterval = Timeout.InfiniteTimeSpan });
        await FlagStore.WaitForVersionAsync(flags, Flag, version);
        using var recorder = new MismatchRecorder();
        var reader = new CompatReader(flags, recorder);
        var app = new LedgerAppV2(_db.DataSource, flags, reader);
        var planted = await _db.ScalarAsync<long>("SELECT min(id) FROM transactions WHERE lower(btrim(status)) = 'captured'");
        var original = await PlantMismatchAsync(planted, "voided");
        try
        {
            // When 20 shadow reads (one of them of the bad row) are published
            for (var id = planted; id < planted + 20; id++) await app.ReadStatusAsync(id, CancellationToken.None);
            await using (var publisher = await MismatchPublisher.StartAsync(_db.DataSource, recorder, new MismatchPublisherOptions { Interval = TimeSpan.FromHours(1) }))
                await publisher.PublishAsync();

            // And the guard's signal reads a rate over a 1% threshold, so it rolls reads back
            var reading = (await new Switchyard.Core.Guards.MismatchRateSignal(_db.Runner(), minReads: 10, window: TimeSpan.FromMinutes(5)).ReadAsync(CancellationToken.None)).Single(r => r.Subject == Flag);
            reading.Value!.Value.ShouldBe(1.0 / 20, 1e-12);
            (reading.Value.Value > 0.01).ShouldBeTrue();
            (await new Switchyard.Core.Guards.ReadFlagRollback(_db.Runner()).RollBackAsync(Flag, CancellationToken.None)).ShouldBeTrue();

            // Then the app hears it by notification and reads legacy, writes untouched
            var rolledBack = await FlagStore.WaitForVersionAsync(flags, Flag, version + 1);
            rolledBack.ReadMode.ShouldBe(ReadMode.Legacy);
            rolledBack.WriteMode.ShouldBe(WriteMode.Both);
            reader.Route(Flag, planted.ToString(System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(ReadPath.Legacy);
            flags.Polls.ShouldBe(0);
        }
        finally
        {
            await RestoreAsync(planted, original);
        }
    }

    [Fact]
    public async Task RunningV2Instance_AtShutdown_PublishesItsShadowMismatchesForTheGuards()
    {
        // Given a v2 instance (flag client + recorder + publisher) in shadow mode, and one corrupted row
        var version = await FlagStore.SetAsync(_db.DataSource, Flag, ReadMode.Shadow, 0, WriteMode.Both);
        var instance = await LedgerAppV2Instance.StartAsync(_db.DataSource, publisherOptions: new MismatchPublisherOptions { InstanceId = "v2-instance", Interval = TimeSpan.FromHours(1) });
        await FlagStore.WaitForVersionAsync(instance.Flags, Flag, version);
        var planted = await _db.ScalarAsync<long>("SELECT max(id) FROM transactions WHERE lower(btrim(status)) = 'authorized'");
        var original = await PlantMismatchAsync(planted, "declined");
        try
        {
            // When it reads that row and another, then shuts down
            (await instance.App.ReadStatusAsync(planted, CancellationToken.None)).ShouldBe("authorized");
            await instance.App.ReadStatusAsync(planted - 1, CancellationToken.None);
            await instance.DisposeAsync();

            // Then its row in switchyard.compat_mismatches holds 1 mismatch in 2 reads, with the key
            (await _db.ScalarAsync<long>($"SELECT reads FROM switchyard.compat_mismatches WHERE instance_id = 'v2-instance' AND flag_key = '{Flag}'")).ShouldBe(2);
            (await _db.ScalarAsync<long>($"SELECT mismatches FROM switchyard.compat_mismatches WHERE instance_id = 'v2-instance' AND flag_key = '{Flag}'")).ShouldBe(1);
            (await _db.ScalarAsync<string[]>($"SELECT sample_keys FROM switchyard.compat_mismatches WHERE instance_id = 'v2-instance'")).ShouldBe([planted.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }
        finally
        {
            await RestoreAsync(planted, original);
        }
    }

    private async Task<(long Id, long Account)> NewestSettledAsync()
    {
        await using var cmd = _db.DataSource.CreateCommand("SELECT id, account_id FROM transactions WHERE lower(btrim(status)) = 'settled' ORDER BY created_at DESC, id DESC LIMIT 1");
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
