using Switchyard.Core.Backfill;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Backfill;

/// <summary>Issue 19: on a partitioned table the backfill walks each leaf partition with its own cursor.</summary>
public sealed class PartitionedBackfillTests(PartitionedExpandedLedger db) : IClassFixture<PartitionedExpandedLedger>
{
    [Fact]
    public async Task Backfill_PartitionedTable_OneRangePerPartitionWithRows_EachUpdatesExactlyItsRows()
    {
        // Given the expanded partitioned ledger, nothing backfilled
        await db.ResetAsync();
        var before = await db.InvariantsAsync();
        var partitionsWithRows = await db.ScalarAsync<long>(
            "SELECT count(*) FROM (SELECT tableoid FROM transactions GROUP BY tableoid) p");
        // (the seeder's 20k rows span several of its ≥ 12 monthly partitions)
        partitionsWithRows.ShouldBeGreaterThan(2);

        // When the backfill runs with two workers
        var outcome = await db.Backfill().RunAsync(new BackfillRequest("per-partition", ExpandedLedger.Target, ExpandedLedger.SmallBatches(workers: 2)), [], null, CancellationToken.None);

        // Then it completed with one range per partition holding rows, each naming its partition,
        outcome.ShouldBeOfType<BackfillCompleted>();
        (await db.ScalarAsync<long>("SELECT count(*) FROM switchyard.backfill_ranges WHERE migration = 'per-partition' AND partition_name IS NOT NULL")).ShouldBe(partitionsWithRows);
        (await db.ScalarAsync<long>("SELECT count(*) FROM switchyard.backfill_ranges WHERE migration = 'per-partition'")).ShouldBe(partitionsWithRows);
        // and each range updated exactly the rows of its partition
        (await db.ScalarAsync<long>("""
            SELECT count(*) FROM switchyard.backfill_ranges g
            WHERE g.migration = 'per-partition'
              AND g.rows_updated <> (SELECT count(*) FROM transactions t WHERE t.tableoid = (quote_ident(g.partition_schema) || '.' || quote_ident(g.partition_name))::regclass)
            """)).ShouldBe(0);
        var progress = await BackfillProgressReader.ReadAsync(db.Runner(), "per-partition", CancellationToken.None);
        progress!.Workers.ShouldAllBe(w => w.Partition != null && w.Done);
        var after = await db.InvariantsAsync();
        after.SameMoneyAs(before).ShouldBeTrue($"{before} vs {after}");
        after.StateMissing.ShouldBe(0);
        after.StatusStateDisagreements.ShouldBe(0);
    }
}
