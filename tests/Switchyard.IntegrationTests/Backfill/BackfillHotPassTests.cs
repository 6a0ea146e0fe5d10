using Switchyard.Core.Backfill;

namespace Switchyard.IntegrationTests.Backfill;

/// <summary>On a freshly bulk-loaded table (every page full), the passes make most updates heap-only.</summary>
public sealed class BackfillHotPassTests(ExpandedLedger db) : IClassFixture<ExpandedLedger>
{
    [Fact]
    public async Task Backfill_BulkLoadedTable_IndexesBarelyGrowAndEveryRowIsExact()
    {
        // Given the freshly seeded, expanded ledger (COPY filled every page) and the size of its indexes
        var before = await db.InvariantsAsync();
        var indexesBefore = await db.ScalarAsync<long>("SELECT pg_indexes_size('transactions')");
        var tableBefore = await db.ScalarAsync<long>("SELECT pg_relation_size('transactions')");

        // When the backfill runs with its default passes, in windows of a few hundred keys
        var options = new BackfillOptions { Workers = 2, InitialBatchKeys = 500, MinBatchKeys = 50, MaxBatchKeys = 1_000, AnalyzeWhenDone = false };
        var outcome = await db.Backfill().RunAsync(new BackfillRequest("hot-passes", ExpandedLedger.Target, options), [], null, CancellationToken.None);

        // Then every row is filled exactly once with the right state and the money is unchanged
        outcome.ShouldBeOfType<BackfillCompleted>(outcome.ToString());
        outcome.Stats.RowsUpdated.ShouldBe(before.Transactions);
        var after = await db.InvariantsAsync();
        after.SameMoneyAs(before).ShouldBeTrue($"before: {before}\nafter: {after}");
        after.StateMissing.ShouldBe(0);
        after.StatusStateDisagreements.ShouldBe(0);
        // And most updates were heap-only: an update that is not inserts a new entry into each of the 5 indexes, so
        // with one pass the indexes nearly double (measured on this ledger: indexes x1.95 and table x1.72 with
        // HotPasses = 1, against x1.24 and x1.21 with the default 16)
        var indexGrowth = (double)await db.ScalarAsync<long>("SELECT pg_indexes_size('transactions')") / indexesBefore;
        var tableGrowth = (double)await db.ScalarAsync<long>("SELECT pg_relation_size('transactions')") / tableBefore;
        indexGrowth.ShouldBeLessThan(1.4);
        tableGrowth.ShouldBeLessThan(1.5);
    }
}
