using Switchyard.Core.Engine;
using Switchyard.Core.Journal;
using Switchyard.Core.Planning;
using Switchyard.IntegrationTests.Infrastructure;
using Switchyard.Samples.Ledger.Schema;

namespace Switchyard.IntegrationTests.Engine;

/// <summary>
/// Issue 19: the flagship on the partitioned ledger all the way through Contract, with next month's partition
/// created by the app while the migration runs (after Expand, before the backfill).
/// </summary>
public sealed class PartitionedContractTests(PartitionedLedgerDatabase db) : IClassFixture<PartitionedLedgerDatabase>
{
    private const string NewPartition = "transactions_2031_01";

    [Fact]
    public async Task Flagship_PartitionCreatedMidMigration_EndsInTheFinalShapeThroughContract()
    {
        // Given the partitioned ledger after Expand, and a partition the app creates after it, with rows written by app v1
        var before = await db.InvariantsAsync();
        var legacy = await db.ScalarAsync<string>($"SELECT md5(string_agg(id || ':' || {LedgerStatuses.CanonicalSql("status")}, ',' ORDER BY id)) FROM transactions");
        var expanded = await FlagshipSpec.Engine(db).ApplyAsync(FlagshipSpec.Load(), new ApplyOptions { To = MigrationPhase.Expand }, CancellationToken.None);
        expanded.State.ShouldNotBe("failed", expanded.Message);
        await db.ExecuteAsync($"CREATE TABLE {NewPartition} PARTITION OF transactions FOR VALUES FROM ('2031-01-01T00:00:00Z') TO ('2031-02-01T00:00:00Z')");
        await db.ExecuteAsync("INSERT INTO transactions (account_id, merchant_id, amount_minor, currency, status, created_at, updated_at) " +
            "SELECT account_id, merchant_id, 700, currency, 'captured', timestamptz '2031-01-15T12:00:00Z', now() FROM transactions WHERE id <= 25");
        var newRows = await db.ScalarAsync<long>($"SELECT count(*) FROM {NewPartition}");
        newRows.ShouldBe(25);
        // The parent's dual-write trigger was cloned onto the new partition: app v1's rows already carry state_id
        (await db.ScalarAsync<long>($"SELECT count(state_id) FROM {NewPartition}")).ShouldBe(newRows);

        // When the migration runs to the Cutover gate, the flags flip and Contract is confirmed
        var first = await CliRunner.RunAsync(["apply", FlagshipSpec.Path, "--no-guards", .. FlagshipSpec.Connect(db)]);
        first.ExitCode.ShouldBe(0, first.StdOut + first.StdErr);
        (await CliRunner.RunAsync(["cutover", "--reads", "new_only", "--percent", "100", "--writes", "new", .. FlagshipSpec.Connect(db)])).ExitCode.ShouldBe(0);
        var contract = await CliRunner.RunAsync(["apply", FlagshipSpec.Path, "--no-guards", "--confirm", FlagshipSpec.Name, .. FlagshipSpec.Connect(db)]);

        // Then the migration completed, and the new partition has the final shape like every other partition
        contract.ExitCode.ShouldBe(0, contract.StdOut + contract.StdErr);
        contract.StdOut.ShouldContain("Migration complete");
        (await db.ScalarAsync<string>("SELECT state FROM switchyard.migrations WHERE name = '" + FlagshipSpec.Name + "'")).ShouldBe(MigrationStates.Completed);
        (await db.ScalarAsync<long>($"SELECT count(*) FROM {NewPartition} t JOIN transaction_state s ON s.id = t.state_id WHERE s.code = 'captured'")).ShouldBe(newRows);
        (await db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'transactions'::regclass AND attname = 'status' AND NOT attisdropped)")).ShouldBeFalse();
        (await db.ScalarAsync<bool>("SELECT bool_and(attnotnull) FROM pg_attribute WHERE attname = 'state_id' AND attrelid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'transactions'::regclass)")).ShouldBeTrue();
        // Every partition, the new one included, has a valid state_id index attached to the parent's, and the parent's foreign key
        (await db.ScalarAsync<long>(
            "SELECT count(*) FROM pg_inherits p JOIN pg_index i ON i.indrelid = p.inhrelid AND i.indisvalid " +
            "JOIN pg_inherits ii ON ii.inhrelid = i.indexrelid AND ii.inhparent = 'transactions_state_id_idx'::regclass WHERE p.inhparent = 'transactions'::regclass"))
            .ShouldBe(await db.ScalarAsync<long>("SELECT count(*) FROM pg_inherits WHERE inhparent = 'transactions'::regclass"));
        (await db.ScalarAsync<bool>("SELECT convalidated FROM pg_constraint WHERE conrelid = 'transactions'::regclass AND contype = 'f' AND confrelid = 'transaction_state'::regclass")).ShouldBeTrue();
        (await db.ScalarAsync<long>($"SELECT count(*) FROM pg_constraint WHERE conrelid = '{NewPartition}'::regclass AND contype = 'f' AND confrelid = 'transaction_state'::regclass")).ShouldBe(1);

        // And no seeded row or cent moved: the compat view gives the old statuses back
        (await db.ScalarAsync<string>("SELECT md5(string_agg(id || ':' || status, ',' ORDER BY id)) FROM transactions_with_status WHERE created_at < '2031-01-01'")).ShouldBe(legacy);
        var after = await db.InvariantsAsync();
        after.Transactions.ShouldBe(before.Transactions + newRows);
        after.StateMissing.ShouldBe(0);
        (await db.ScalarAsync<long>("SELECT count(*) FROM switchyard.steps WHERE status <> 'done'")).ShouldBe(0);
    }
}
