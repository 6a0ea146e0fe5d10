using System.Text.Json;
using Switchyard.Core.Backfill;
using Switchyard.IntegrationTests.Engine;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Backfill;

/// <summary>Issue 19: on a partitioned table the backfill walks each leaf partition with its own cursor.</summary>
public sealed class PartitionedBackfillTests(PartitionedExpandedLedger db) : IClassFixture<PartitionedExpandedLedger>
{
    [Fact]
    public async Task Backfill_PartitionedTable_OneRangePerPartitionWithRowsAndEachUpdatesExactlyItsRows()
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

    [Fact]
    public async Task Validate_PartitionedTable_ReportsCompletenessPerPartitionAndNamesTheIncompleteOne()
    {
        // Given the partitioned ledger backfilled
        await db.ResetAsync();
        (await db.Backfill().RunAsync(new BackfillRequest("validated", ExpandedLedger.Target, ExpandedLedger.SmallBatches()), [], null, CancellationToken.None))
            .ShouldBeOfType<BackfillCompleted>();
        var partitions = await db.ScalarAsync<long>("SELECT count(DISTINCT tableoid) FROM transactions");

        // When validate runs, and again after one row of one partition lost its state_id (trigger bypassed)
        var green = await CliRunner.RunAsync(["validate", "--spec", FlagshipSpec.Path, "--checks", "completeness", "--json", "-c", db.ConnectionString]);
        var broken = await db.ScalarAsync<string>("SELECT tableoid::regclass::text FROM transactions WHERE id = (SELECT max(id) FROM transactions)");
        await db.ExecuteAsync("""
            BEGIN;
            SELECT set_config('switchyard.role', 'backfill', true);
            UPDATE transactions SET state_id = NULL WHERE id = (SELECT max(id) FROM transactions);
            COMMIT;
            """);
        var red = await CliRunner.RunAsync(["validate", "--spec", FlagshipSpec.Path, "--checks", "completeness", "--json", "-c", db.ConnectionString]);

        // Then the first lists every partition holding rows as complete, and the second fails naming that partition
        green.ExitCode.ShouldBe(0, green.StdOut + green.StdErr);
        var greenLines = PartitionFindings(green.StdOut);
        greenLines.Count.ShouldBe((int)partitions);
        greenLines.ShouldAllBe(f => f.Failures == 0);
        red.ExitCode.ShouldNotBe(0);
        PartitionFindings(red.StdOut).Where(f => f.Failures > 0).ShouldHaveSingleItem().Key.ShouldBe("partition " + broken);
    }

    private static List<(string Key, long Failures)> PartitionFindings(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var check = doc.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("check").GetString() == "completeness");
        return [.. check.GetProperty("findings").EnumerateArray()
            .Select(f => (Key: f.GetProperty("key").GetString()!, Failures: f.GetProperty("failures").GetInt64()))
            .Where(f => f.Key.StartsWith("partition ", StringComparison.Ordinal))];
    }
}
