using Npgsql;
using Switchyard.Core.Engine;
using Switchyard.Core.Engine.Rollback;
using Switchyard.Core.Planning;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Engine;

/// <summary>
/// Issue 19: while the flagship migrates the partitioned ledger, a new partition is allowed (it inherits the dual-write
/// trigger) but attaching, detaching or dropping a partition is refused by the server; rollback releases the table.
/// </summary>
public sealed class PartitionGuardTests(PartitionedLedgerDatabase db) : IClassFixture<PartitionedLedgerDatabase>
{
    private const string NewPartition = "transactions_2032_01";
    private const string Outsider = "transactions_2032_02";

    [Fact]
    public async Task PartitionGuard_AttachDetachOrDropDuringMigration_IsRefusedWithTheMigrationNamedAndRollbackReleasesIt()
    {
        // Given the partitioned ledger after Expand, with next month's partition created by the app since
        var before = await db.InvariantsAsync();
        var expanded = await FlagshipSpec.Engine(db).ApplyAsync(FlagshipSpec.Load(), new ApplyOptions { To = MigrationPhase.Expand }, CancellationToken.None);
        expanded.State.ShouldNotBe("failed", expanded.Message);
        await db.ExecuteAsync($"CREATE TABLE {NewPartition} PARTITION OF transactions FOR VALUES FROM ('2032-01-01T00:00:00Z') TO ('2032-02-01T00:00:00Z')");
        await db.ExecuteAsync($"CREATE TABLE {Outsider} (LIKE transactions INCLUDING DEFAULTS INCLUDING CONSTRAINTS)");
        var partitions = await PartitionsAsync();

        // When a maintenance job detaches, drops or attaches a partition
        var detach = await Should.ThrowAsync<PostgresException>(() => db.ExecuteAsync($"ALTER TABLE transactions DETACH PARTITION {NewPartition}"));
        var drop = await Should.ThrowAsync<PostgresException>(() => db.ExecuteAsync($"DROP TABLE {NewPartition} CASCADE"));
        var attach = await Should.ThrowAsync<PostgresException>(() =>
            db.ExecuteAsync($"ALTER TABLE transactions ATTACH PARTITION {Outsider} FOR VALUES FROM ('2032-02-01T00:00:00Z') TO ('2032-03-01T00:00:00Z')"));

        // Then each is refused, naming the table and the migration, and the partitions and the money are as they were
        foreach (var refused in new[] { detach, drop, attach })
        {
            refused.MessageText.ShouldContain("partition of transactions, which migration " + FlagshipSpec.Name + " is migrating");
            (refused.Hint ?? "").ShouldContain("switchyard rollback");
        }
        (await PartitionsAsync()).ShouldBe(partitions);
        var after = await db.InvariantsAsync();
        after.SameMoneyAs(before).ShouldBeTrue($"before: {before}; after: {after}");

        // And when the migration is rolled back, the guard is gone and the same detach works
        var rolledBack = await new MigrationRollback(db.Runner()).RollbackAsync(FlagshipSpec.Load(), null, new RollbackOptions { Confirm = FlagshipSpec.Name }, CancellationToken.None);
        rolledBack.State.ShouldNotBe("failed", rolledBack.Message);
        (await db.ScalarAsync<long>("SELECT count(*) FROM switchyard.partition_guards")).ShouldBe(0);
        await db.ExecuteAsync($"ALTER TABLE transactions DETACH PARTITION {NewPartition}");
        (await PartitionsAsync()).ShouldNotContain(NewPartition);
    }

    private async Task<string[]> PartitionsAsync() =>
        (await db.ScalarAsync<string[]>("SELECT array_agg(inhrelid::regclass::text ORDER BY inhrelid::regclass::text) FROM pg_inherits WHERE inhparent = 'transactions'::regclass"))!;
}
