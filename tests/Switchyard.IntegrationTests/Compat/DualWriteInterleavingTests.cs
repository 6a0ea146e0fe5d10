using System.Collections.Concurrent;
using Switchyard.Compat.Flags;
using Switchyard.Compat.Mismatches;
using Switchyard.Compat.Reads;
using Switchyard.Samples.Ledger.App;
using Switchyard.Samples.Ledger.App.V1;
using Switchyard.Samples.Ledger.App.V2;
using Switchyard.Samples.Ledger.Schema;

namespace Switchyard.IntegrationTests.Compat;

/// <summary>
/// Acceptance: app v1 (status only) and app v2 (per the flags) writing the same rows at the same time, under every
/// flag state and while the flags flip, leave every row consistent (status and state agree), lose no money, and both
/// versions read the same lifecycle and balances afterwards.
/// </summary>
public sealed class DualWriteInterleavingTests : IClassFixture<CompatLedgerDatabase>
{
    private const string Flag = LedgerAppV2.FlagKey;
    private readonly CompatLedgerDatabase _db;

    public DualWriteInterleavingTests(CompatLedgerDatabase db) => _db = db;

    public static readonly IReadOnlyList<(ReadMode Read, int Percent, WriteMode Write)> EveryFlagState =
    [
        .. from write in new[] { WriteMode.Legacy, WriteMode.Both, WriteMode.New }
           from read in new[] { (ReadMode.Legacy, 0), (ReadMode.Shadow, 0), (ReadMode.New, 50), (ReadMode.NewOnly, 100) }
           select (read.Item1, read.Item2, write),
    ];

    [Fact]
    public async Task V1AndV2Interleaving_SameRowsUnderEveryFlagState_LeaveConsistentRows()
    {
        // Given a backfilled ledger with the dual-write trigger, one v1 and two v2 instances (each with its own flag client)
        await using var fleet = await Fleet.StartAsync(_db);
        var before = await _db.InvariantsAsync();
        var ledger = await Expectations.FromExistingAsync(_db);

        // When, for each of the 12 flag states, all three write and read the same transactions concurrently
        foreach (var (read, percent, write) in EveryFlagState)
        {
            var version = await FlagStore.SetAsync(_db.DataSource, Flag, read, percent, write);
            foreach (var client in fleet.Clients) await FlagStore.WaitForVersionAsync(client, Flag, version);
            await RunBurstAsync(fleet.Apps, ledger, operationsPerWorker: 60, seed: (int)version);
        }

        // Then rows are consistent and money adds up
        await AssertConsistentAsync(fleet, before, ledger);
    }

    [Fact]
    public async Task V1AndV2Interleaving_WhileTheFlagsFlipUnderneath_LeaveConsistentRows()
    {
        // Given the same fleet
        await using var fleet = await Fleet.StartAsync(_db);
        var before = await _db.InvariantsAsync();
        var ledger = await Expectations.FromExistingAsync(_db);

        // When the flags cycle through every state while the apps write (each v2 instance flips on its own schedule)
        using var stop = new CancellationTokenSource();
        var flipper = Task.Run(async () =>
        {
            var i = 0;
            while (!stop.IsCancellationRequested)
            {
                var (read, percent, write) = EveryFlagState[i++ % EveryFlagState.Count];
                await FlagStore.SetAsync(_db.DataSource, Flag, read, percent, write);
                await Task.Delay(15);
            }
            return i;
        });
        await RunBurstAsync(fleet.Apps, ledger, operationsPerWorker: 400, seed: 7);
        await stop.CancelAsync();
        var flips = await flipper;

        // Then the flags did flip many times mid-run, and rows are consistent and money adds up
        flips.ShouldBeGreaterThan(EveryFlagState.Count);
        await AssertConsistentAsync(fleet, before, ledger);
    }

    private async Task RunBurstAsync(IReadOnlyList<ILedgerApp> apps, Expectations ledger, int operationsPerWorker, int seed)
    {
        var accounts = await _db.ScalarAsync<long>("SELECT max(id) FROM accounts");
        var merchants = await _db.ScalarAsync<long>("SELECT max(id) FROM merchants");
        // Two workers per app: six writers on one shared pool of transactions.
        var workers = Enumerable.Range(0, apps.Count * 2).Select(w => Task.Run(async () =>
        {
            var app = apps[w % apps.Count];
            var random = new Random(seed * 31 + w);
            for (var op = 0; op < operationsPerWorker; op++)
            {
                var id = ledger.Pick(random);
                switch (id is null ? 0 : random.Next(8))
                {
                    case 0:
                        var amount = random.NextInt64(100, 100_000);
                        var newId = await app.AuthorizeAsync(random.NextInt64(1, accounts + 1), random.NextInt64(1, merchants + 1), amount, "EUR", CancellationToken.None);
                        ledger.Authorized(newId, amount);
                        break;
                    case 1:
                        if (await app.CaptureAsync(id!.Value, CancellationToken.None)) ledger.Moved(id.Value, LedgerStatuses.Captured);
                        break;
                    case 2:
                        if (await app.SettleAsync(id!.Value, CancellationToken.None)) ledger.Moved(id.Value, LedgerStatuses.Settled);
                        break;
                    case 3:
                        if (await app.RefundAsync(id!.Value, CancellationToken.None)) ledger.Moved(id.Value, LedgerStatuses.Refunded);
                        break;
                    case 4:
                        if (await app.ChargebackAsync(id!.Value, "4837", CancellationToken.None)) ledger.ChargedBack(id.Value);
                        break;
                    case 5:
                        (await app.ReadStatusAsync(id!.Value, CancellationToken.None)).ShouldNotBeNull();
                        break;
                    case 6:
                        await app.ReadBalanceAsync(random.NextInt64(1, accounts + 1), CancellationToken.None);
                        break;
                    default:
                        await app.RecentTransactionsAsync(random.NextInt64(1, accounts + 1), 20, CancellationToken.None);
                        break;
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
    }

    private async Task AssertConsistentAsync(Fleet fleet, Samples.Ledger.Invariants.LedgerInvariants before, Expectations ledger)
    {
        var after = await _db.InvariantsAsync();
        // Every row has a state, and it is the canonical form of its status
        after.StateMissing.ShouldBe(0);
        after.StatusStateDisagreements.ShouldBe(0);
        // No row or cent lost or invented
        after.Transactions.ShouldBe(before.Transactions + ledger.AuthorizedCount);
        after.SumAmountMinor.ShouldBe(before.SumAmountMinor + ledger.AuthorizedSum);
        after.Chargebacks.ShouldBe(before.Chargebacks + ledger.ChargebackCount);
        ledger.AuthorizedCount.ShouldBeGreaterThan(20);
        ledger.MovedCount.ShouldBeGreaterThan(20);

        // Every touched row ended where its successful steps took it, in both shapes, as v1 and v2 (new only) read it
        var newOnly = await FlagStore.SetAsync(_db.DataSource, Flag, ReadMode.NewOnly, 100, WriteMode.Both);
        foreach (var client in fleet.Clients) await FlagStore.WaitForVersionAsync(client, Flag, newOnly);
        var v1 = fleet.Apps.Single(a => a.Version == "v1");
        var v2 = fleet.Apps.First(a => a.Version == "v2");
        foreach (var (id, expected) in ledger.Final())
        {
            (await v1.ReadStatusAsync(id, CancellationToken.None)).ShouldBe(expected, $"v1 read of transaction {id}");
            (await v2.ReadStatusAsync(id, CancellationToken.None)).ShouldBe(expected, $"v2 new-shape read of transaction {id}");
        }
        // Balances agree between the legacy definition and the new shape for every account
        var accounts = await _db.ScalarAsync<long>("SELECT max(id) FROM accounts");
        for (var account = 1L; account <= accounts; account++)
            (await v2.ReadBalanceAsync(account, CancellationToken.None)).ShouldBe(await v1.ReadBalanceAsync(account, CancellationToken.None));
        // And shadow reads during the run found nothing to report
        fleet.Recorders.ShouldAllBe(r => r.Snapshot(Flag).Mismatches == 0);
    }

    /// <summary>What the writers' successful calls imply about the ledger.</summary>
    private sealed class Expectations
    {
        private static readonly string[] Order = [LedgerStatuses.Authorized, LedgerStatuses.Captured, LedgerStatuses.Settled, LedgerStatuses.Refunded];
        private readonly ConcurrentDictionary<long, string> _final = new();
        private readonly ConcurrentBag<long> _ids = [];
        private long _count, _sum, _chargebacks, _moved;

        public long AuthorizedCount => Interlocked.Read(ref _count);
        public decimal AuthorizedSum => Interlocked.Read(ref _sum);
        public long ChargebackCount => Interlocked.Read(ref _chargebacks);
        public long MovedCount => Interlocked.Read(ref _moved);

        /// <summary>Starts from 300 seeded rows in open states, dirty legacy spellings (' Settled', 'setled') first.</summary>
        public static async Task<Expectations> FromExistingAsync(CompatLedgerDatabase db)
        {
            var expectations = new Expectations();
            await using var cmd = db.DataSource.CreateCommand($$"""
                SELECT id, {{LedgerStatuses.CanonicalSql("status")}} FROM transactions
                WHERE {{LedgerStatuses.CanonicalSql("status")}} IN ('authorized', 'captured', 'settled')
                ORDER BY (status <> {{LedgerStatuses.CanonicalSql("status")}}) DESC, id LIMIT 300
                """);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                expectations._final[reader.GetInt64(0)] = reader.GetString(1);
                expectations._ids.Add(reader.GetInt64(0));
            }
            return expectations;
        }

        public long? Pick(Random random)
        {
            var ids = _ids.ToArray();
            return ids.Length == 0 ? null : ids[random.Next(ids.Length)];
        }

        public void Authorized(long id, long amount)
        {
            Interlocked.Increment(ref _count);
            Interlocked.Add(ref _sum, amount);
            _final[id] = LedgerStatuses.Authorized;
            _ids.Add(id);
        }

        public void ChargedBack(long id)
        {
            Interlocked.Increment(ref _chargebacks);
            Moved(id, LedgerStatuses.ChargedBack);
        }

        /// <summary>Guarded steps on one row succeed in lifecycle order, so the furthest step reached is where it ends.</summary>
        public void Moved(long id, string to)
        {
            Interlocked.Increment(ref _moved);
            _final.AddOrUpdate(id, to, (_, current) => Rank(to) > Rank(current) ? to : current);
        }

        private static int Rank(string code) => code == LedgerStatuses.ChargedBack ? 3 : Array.IndexOf(Order, code);

        public IEnumerable<(long Id, string Status)> Final() => _final.Select(kv => (kv.Key, kv.Value));
    }

    /// <summary>One v1 and two v2 instances, each v2 with its own pool, flag client and mismatch recorder.</summary>
    private sealed class Fleet : IAsyncDisposable
    {
        private readonly List<IAsyncDisposable> _owned = [];
        public List<ILedgerApp> Apps { get; } = [];
        public List<FlagClient> Clients { get; } = [];
        public List<MismatchRecorder> Recorders { get; } = [];

        public static async Task<Fleet> StartAsync(CompatLedgerDatabase db)
        {
            var fleet = new Fleet();
            var v1Pool = db.NewDataSource("ledger-v1");
            fleet._owned.Add(v1Pool);
            fleet.Apps.Add(new LedgerAppV1(v1Pool));
            for (var i = 0; i < 2; i++)
            {
                var pool = db.NewDataSource($"ledger-v2-{i}");
                var client = await FlagClient.StartAsync(pool, new FlagClientOptions { PollInterval = TimeSpan.FromSeconds(1) });
                var recorder = new MismatchRecorder();
                fleet._owned.Add(client);
                fleet._owned.Add(pool);
                fleet.Clients.Add(client);
                fleet.Recorders.Add(recorder);
                fleet.Apps.Add(new LedgerAppV2(pool, client, new CompatReader(client, recorder)));
            }
            return fleet;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var owned in _owned) await owned.DisposeAsync();
            foreach (var recorder in Recorders) recorder.Dispose();
        }
    }
}
