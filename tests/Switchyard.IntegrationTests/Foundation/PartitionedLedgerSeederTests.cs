using Switchyard.IntegrationTests.Infrastructure;
using Switchyard.Samples.Ledger.App.V1;
using Switchyard.Samples.Ledger.Schema;

namespace Switchyard.IntegrationTests.Foundation;

public sealed class PartitionedLedgerSeederTests : IClassFixture<PartitionedLedgerDatabase>
{
    private readonly PartitionedLedgerDatabase _db;

    public PartitionedLedgerSeederTests(PartitionedLedgerDatabase db) => _db = db;

    [Fact]
    public async Task SeedPartitioned_CreatesMonthlyPartitionsPlusDefault_CoveringEverySeededRow()
    {
        // Given a ledger seeded with --partitioned
        // When the catalog is read
        var relkind = await _db.ScalarAsync<char>("SELECT relkind FROM pg_class WHERE oid = 'transactions'::regclass");
        var partitions = await _db.ScalarAsync<long>("SELECT count(*) FROM pg_inherits WHERE inhparent = 'transactions'::regclass");
        var hasDefault = await _db.ScalarAsync<bool>($"SELECT EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = 'transactions'::regclass AND partdefid = to_regclass('{PartitionedLedgerSchema.DefaultPartition}'))");
        var inDefault = await _db.ScalarAsync<long>($"SELECT count(*) FROM {PartitionedLedgerSchema.DefaultPartition}");
        var partitionsHoldingRows = await _db.ScalarAsync<long>("SELECT count(DISTINCT tableoid) FROM transactions");

        // Then transactions is a partitioned parent with ≥ 12 monthly partitions and a DEFAULT one nobody needed
        relkind.ShouldBe('p');
        partitions.ShouldBeGreaterThanOrEqualTo(PartitionedLedgerSchema.MinimumMonthlyPartitions + 1);
        hasDefault.ShouldBeTrue();
        inDefault.ShouldBe(0);
        partitionsHoldingRows.ShouldBeGreaterThanOrEqualTo(6);
        (await _db.ScalarAsync<long>("SELECT count(*) FROM transactions")).ShouldBe(20_000);
    }

    [Fact]
    public async Task SeedPartitioned_ChargebacksKeepTheirForeignKeyThroughThePartitionKey()
    {
        // Given the partitioned ledger's chargebacks
        // When the foreign key to transactions is read from the catalog
        var fkColumns = await _db.ScalarAsync<string>("""
            SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM pg_constraint c
            CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
            WHERE c.conrelid = 'chargebacks'::regclass AND c.contype = 'f' AND c.conparentid = 0 AND c.convalidated
            """);
        var pk = await _db.ScalarAsync<string>("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'transactions'::regclass AND contype = 'p'");

        // Then the primary key includes created_at and the validated FK names (transaction_id, transaction_created_at)
        pk.ShouldBe("PRIMARY KEY (id, created_at)");
        fkColumns.ShouldBe("transaction_id,transaction_created_at");
        (await _db.ScalarAsync<long>("SELECT count(*) FROM chargebacks c JOIN transactions t ON t.id = c.transaction_id AND t.created_at = c.transaction_created_at"))
            .ShouldBe(_db.Seeded.Chargebacks);
    }

    [Fact]
    public async Task SeedPartitioned_InvariantsEqualTheUnpartitionedLedgerOfTheSameSeed()
    {
        // Given an unpartitioned ledger seeded with the same options
        var plain = new LedgerDatabase();
        await plain.InitializeAsync();
        try
        {
            // When both ledgers' invariants are read
            var partitioned = await _db.InvariantsAsync();
            var unpartitioned = await plain.InvariantsAsync();

            // Then every money fact is the same: partitioning moved no row and no cent
            partitioned.Transactions.ShouldBe(20_000);
            partitioned.ShouldBe(unpartitioned);
        }
        finally
        {
            await plain.DisposeAsync();
        }
    }

    [Fact]
    public async Task AppV1Chargeback_OnPartitionedLedger_FillsThePartitionKeyAndKeepsTheForeignKey()
    {
        // Given a settled transaction (in a ledger of its own: this test writes) and app v1, which inserts
        // chargebacks without transaction_created_at
        var db = new SmallPartitionedLedger();
        await db.InitializeAsync();
        try
        {
            var id = await db.ScalarAsync<long>("SELECT id FROM transactions WHERE status = 'settled' ORDER BY id LIMIT 1");
            var app = new LedgerAppV1(db.DataSource);

            // When app v1 charges it back
            var charged = await app.ChargebackAsync(id, "fraud", CancellationToken.None);

            // Then the chargeback row carries its transaction's created_at, as the composite foreign key demands
            charged.ShouldBeTrue();
            (await db.ScalarAsync<bool>($"SELECT c.transaction_created_at = t.created_at FROM chargebacks c JOIN transactions t ON t.id = c.transaction_id WHERE c.transaction_id = {id}"))
                .ShouldBeTrue();
        }
        finally
        {
            await db.DisposeAsync();
        }
    }

    private sealed class SmallPartitionedLedger : PartitionedLedgerDatabase
    {
        public override Samples.Ledger.Seeding.SeedOptions Seed => new() { Rows = 2_000, Partitioned = true };
    }
}
