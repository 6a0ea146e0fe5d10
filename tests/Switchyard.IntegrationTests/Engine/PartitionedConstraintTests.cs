using Npgsql;
using Switchyard.Core.Engine;
using Switchyard.Core.Engine.Rollback;
using Switchyard.Core.Spec;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Engine;

/// <summary>add_foreign_key and set_not_null on a range-partitioned ledger (PG15 refuses a NOT VALID FK on a partitioned parent).</summary>
public sealed class PartitionedConstraintTests(PartitionedLedgerDatabase db) : IClassFixture<PartitionedLedgerDatabase>
{
    private const string Name = "003-transactions-settlement-account";
    private const string ForeignKey = "transactions_settlement_account_fkey";

    private static MigrationSpec Spec() => SpecLoader.Load($"""
        migration: {Name}
        operations:
          - add_column: {"{"} table: transactions, name: settlement_account_id, type: bigint {"}"}
          - add_foreign_key: {"{"} table: transactions, column: settlement_account_id, references: {"{"} table: accounts {"}"}, name: {ForeignKey} {"}"}
          - set_not_null: {"{"} table: transactions, column: auth_code {"}"}
        """, "partitioned-constraints.yaml");

    [Fact]
    public async Task AddForeignKeyAndSetNotNull_OnPartitionedTable_ValidatePerPartitionThenHoldOnTheParentAndRollbackRemovesThem()
    {
        // Given the partitioned ledger (auth_code nullable but always set)
        var partitions = await db.ScalarAsync<long>("SELECT count(*) FROM pg_inherits WHERE inhparent = 'transactions'::regclass");

        // When the migration runs to completion
        var result = await FlagshipSpec.Engine(db).ApplyAsync(Spec(), new ApplyOptions(), CancellationToken.None);

        // Then the parent holds a validated foreign key that adopted one validated constraint per partition
        result.State.ShouldNotBe("failed", result.Message);
        (await db.ScalarAsync<bool>($"SELECT convalidated FROM pg_constraint WHERE conrelid = 'transactions'::regclass AND conname = '{ForeignKey}'")).ShouldBeTrue();
        (await db.ScalarAsync<long>($"""
            SELECT count(*) FROM pg_constraint c JOIN pg_constraint parent ON parent.oid = c.conparentid
            WHERE parent.conrelid = 'transactions'::regclass AND parent.conname = '{ForeignKey}' AND c.convalidated
            """)).ShouldBe(partitions);
        // And it is enforced on writes, and auth_code is NOT NULL on the parent and every partition
        var violation = await Should.ThrowAsync<PostgresException>(() => db.ExecuteAsync(
            "INSERT INTO transactions (account_id, merchant_id, amount_minor, currency, status, auth_code, created_at, updated_at, settlement_account_id) VALUES (1, 1, 100, 'EUR', 'authorized', '1', now(), now(), 999999999)"));
        violation.SqlState.ShouldBe(PostgresErrorCodes.ForeignKeyViolation);
        (await db.ScalarAsync<long>("""
            SELECT count(*) FROM pg_attribute WHERE attname = 'auth_code' AND attnotnull
            AND (attrelid = 'transactions'::regclass OR attrelid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'transactions'::regclass))
            """)).ShouldBe(partitions + 1);

        // When it is rolled back
        var rolledBack = await new MigrationRollback(db.Runner()).RollbackAsync(Spec(), null, new RollbackOptions { Confirm = Name }, CancellationToken.None);

        // Then no partition keeps the constraint, auth_code is nullable again and the column is gone
        rolledBack.State.ShouldBe("rolled_back");
        (await db.ScalarAsync<long>($"SELECT count(*) FROM pg_constraint WHERE conname = '{ForeignKey}'")).ShouldBe(0);
        (await db.ScalarAsync<long>("SELECT count(*) FROM pg_attribute WHERE attname = 'auth_code' AND attnotnull")).ShouldBe(0);
        (await db.ScalarAsync<long>("SELECT count(*) FROM pg_attribute WHERE attname = 'settlement_account_id' AND NOT attisdropped")).ShouldBe(0);
    }
}
