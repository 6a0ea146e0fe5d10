using Npgsql;
using Switchyard.Core.Engine;
using Switchyard.Core.Engine.Rollback;
using Switchyard.Core.Spec;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Engine;

/// <summary>create_index on a range-partitioned ledger: per-partition CONCURRENTLY builds attached to an ON ONLY parent.</summary>
public sealed class PartitionedIndexTests(PartitionedLedgerDatabase db) : IClassFixture<PartitionedLedgerDatabase>
{
    private const string Name = "002-transactions-currency-idx";
    private const string Index = "transactions_currency_idx";

    // Modes that conflict with ROW EXCLUSIVE, i.e. block INSERT/UPDATE/DELETE on the relation holding them.
    private const string WriteBlockingLocksOnPartitions = """
        SELECT coalesce(string_agg(DISTINCT l.relation::regclass::text || ':' || l.mode, ', '), '')
        FROM pg_locks l JOIN pg_inherits i ON i.inhrelid = l.relation AND i.inhparent = 'transactions'::regclass
        WHERE l.locktype = 'relation' AND l.granted AND l.mode IN ('ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock')
        """;

    private static MigrationSpec Spec() => SpecLoader.Load(
        $"migration: {Name}\noperations:\n  - create_index:\n      table: transactions\n      name: {Index}\n      columns: [currency, created_at]\n", "partitioned-index.yaml");

    [Fact]
    public async Task CreateIndex_OnPartitionedTable_AttachesValidIndexOnEveryPartitionUnderLiveWritesAndRepairsAndSkipsAndRollbackDropsIt()
    {
        // Given the partitioned ledger where an earlier, killed run left one partition's index attached to the ON ONLY
        // parent and another partition's index INVALID (a failed CONCURRENTLY build)
        var partitions = await db.ScalarAsync<string[]>("SELECT array_agg(inhrelid::regclass::text ORDER BY inhrelid::regclass::text) FROM pg_inherits WHERE inhparent = 'transactions'::regclass");
        partitions!.Length.ShouldBeGreaterThanOrEqualTo(13);
        var (attached, invalid) = (partitions[0], partitions[1]);
        await db.ExecuteAsync($"CREATE INDEX {Index} ON ONLY transactions (currency, created_at)");
        await db.ExecuteAsync($"CREATE INDEX CONCURRENTLY {attached}_{Index} ON {attached} (currency, created_at)");
        await db.ExecuteAsync($"ALTER INDEX {Index} ATTACH PARTITION {attached}_{Index}");
        var attachedOid = await db.ScalarAsync<uint>($"SELECT '{attached}_{Index}'::regclass::oid");
        await Should.ThrowAsync<PostgresException>(() => db.ExecuteAsync($"CREATE UNIQUE INDEX CONCURRENTLY {invalid}_{Index} ON {invalid} (currency)"));
        (await db.ScalarAsync<bool>($"SELECT NOT indisvalid FROM pg_index WHERE indexrelid = '{invalid}_{Index}'::regclass")).ShouldBeTrue();

        // When create_index runs while a writer inserts and a sampler watches pg_locks on every partition
        using var stop = new CancellationTokenSource();
        var writer = WriteAsync(stop.Token);
        var sampler = SampleAsync(stop.Token);
        var result = await FlagshipSpec.Engine(db).ApplyAsync(Spec(), new ApplyOptions(), CancellationToken.None);
        await stop.CancelAsync();
        var inserted = await writer;
        var (samples, blocking) = await sampler;

        // Then the parent index is valid with a valid index attached on every partition; the attached one was kept,
        // the INVALID one rebuilt; writes went on and no partition ever held a lock that blocks them
        result.State.ShouldNotBe("failed", result.Message);
        (await db.ScalarAsync<bool>($"SELECT indisvalid FROM pg_index WHERE indexrelid = '{Index}'::regclass")).ShouldBeTrue();
        (await db.ScalarAsync<long>($"SELECT count(*) FROM pg_inherits i JOIN pg_index x ON x.indexrelid = i.inhrelid WHERE i.inhparent = '{Index}'::regclass AND x.indisvalid"))
            .ShouldBe(partitions.Length);
        (await db.ScalarAsync<uint>($"SELECT '{attached}_{Index}'::regclass::oid")).ShouldBe(attachedOid);
        (await db.ScalarAsync<long>($"SELECT count(*) FROM switchyard.events WHERE kind = 'step_repaired' AND message LIKE '%{invalid}.build%'")).ShouldBe(1);
        inserted.ShouldBeGreaterThan(0);
        samples.ShouldBeGreaterThan(0);
        blocking.ShouldBeEmpty();

        // When the migration is rolled back
        var rolledBack = await new MigrationRollback(db.Runner()).RollbackAsync(Spec(), null, new RollbackOptions { Confirm = Name }, CancellationToken.None);

        // Then neither the parent index nor any partition's index is left
        rolledBack.State.ShouldBe("rolled_back");
        (await db.ScalarAsync<long>($"SELECT count(*) FROM pg_class WHERE relkind IN ('i', 'I') AND relname LIKE '%{Index}'")).ShouldBe(0);
    }

    private async Task<long> WriteAsync(CancellationToken stop)
    {
        var app = new Samples.Ledger.App.V1.LedgerAppV1(db.DataSource);
        var inserted = 0L;
        while (!stop.IsCancellationRequested)
        {
            await app.AuthorizeAsync(1 + inserted % 50, 1, 1_000, "EUR", CancellationToken.None);
            inserted++;
        }
        return inserted;
    }

    private async Task<(long Samples, List<string> Blocking)> SampleAsync(CancellationToken stop)
    {
        var samples = 0L;
        var blocking = new List<string>();
        while (!stop.IsCancellationRequested)
        {
            var seen = await db.ScalarAsync<string>(WriteBlockingLocksOnPartitions);
            if (!string.IsNullOrEmpty(seen)) blocking.Add(seen);
            samples++;
        }
        return (samples, blocking);
    }
}
