using Switchyard.Core.Catalog;
using Switchyard.Core.Execution;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;

namespace Switchyard.Core.Tests.Spec;

public sealed class PartitionedPlanTests
{
    private static readonly QualifiedName Transactions = new("public", "transactions");

    private static readonly PartitionedTable Partitioned = new(Transactions,
        [new("public", "transactions_y2026m05"), new("public", "transactions_y2026m06"), new("public", "transactions_default")], [], ["created_at"]);

    private static MigrationPlan Plan(string operation) => MigrationPlanner.Build(
        SpecLoader.Load($"migration: partitioned\noperations:\n{operation}", "partitioned.yaml"),
        new Dictionary<QualifiedName, IReadOnlyList<CatalogColumn>>(), new Dictionary<QualifiedName, PartitionedTable> { [Transactions] = Partitioned });

    [Fact]
    public void CreateIndex_OnPartitionedTable_BuildsEachPartitionConcurrentlyThenParentOnOnlyThenAttaches()
    {
        // Given a create_index on a table the catalog says is partitioned into three
        // When it is planned
        var steps = Plan("  - create_index: { table: transactions, name: tx_currency_idx, columns: [currency] }\n").Steps.Where(s => !IsGuard(s)).ToList();

        // Then three CONCURRENTLY builds, one ON ONLY parent, three attaches, in that order, and no step locks a
        // partition against writes
        steps.Select(s => s.Key.Split('.')[^1]).ShouldBe(["build", "build", "build", "parent", "attach", "attach", "attach"]);
        steps.Take(3).ShouldAllBe(s => s.Concurrently && s.Lock == LockMode.ShareUpdateExclusive);
        steps[3].Sql.ShouldBe("CREATE INDEX IF NOT EXISTS \"tx_currency_idx\" ON ONLY \"public\".\"transactions\" (\"currency\")");
        steps.SelectMany(s => s.Statement!.Locks).Where(l => l.Table != Transactions).ShouldAllBe(l => l.Mode <= LockMode.ShareUpdateExclusive);
    }

    private static bool IsGuard(PlanStep step) => step.Key.Contains(".partition_guard", StringComparison.Ordinal);

    [Fact]
    public void PartitionGuard_OnPartitionedTable_IsTheFirstStepAndItsReleaseTheLastWithTheTableBound()
    {
        // Given an add_foreign_key on a partitioned table (its last phase is Validate)
        // When it is planned
        var steps = Plan("  - add_foreign_key: { table: transactions, column: account_id, references: { table: accounts }, name: tx_account_fkey }\n").Steps.ToList();

        // Then the event trigger and the guard row open Expand, the release closes the last phase, and the table and
        // migration reach SQL as bind parameters
        steps.Take(2).Select(s => s.Key).ShouldBe(["expand.transactions.partition_guard.event_trigger", "expand.transactions.partition_guard"]);
        steps[^1].Key.ShouldBe("validate.transactions.partition_guard.release");
        steps[1].Statement!.Parameters.ShouldBe(["\"public\".\"transactions\"", "partitioned"]);
        steps[1].Rollback!.Statement!.Parameters.ShouldBe(["\"public\".\"transactions\""]);
        steps.Where(IsGuard).ShouldAllBe(s => !s.Sql.Contains("transactions", StringComparison.Ordinal));
    }

    [Fact]
    public void CreateUniqueIndex_WithoutPartitionKey_IsRefusedAtPlanTime()
    {
        // Given a unique create_index on a partitioned table that leaves out the partition key
        // When it is planned
        var e = Should.Throw<SpecException>(() => Plan("  - create_index: { table: transactions, name: tx_auth_idx, columns: [auth_code], unique: true }\n"));

        // Then planning refuses it, naming the missing key column
        e.Message.ShouldContain("lacks partition key column created_at");
    }

    [Fact]
    public void AddForeignKey_OnPartitionedTable_AddsNotValidPerPartitionThenAdoptsOnTheParent()
    {
        // Given an add_foreign_key from a partitioned table (PG15 refuses NOT VALID on its parent)
        // When it is planned
        var steps = Plan("  - add_foreign_key: { table: transactions, column: account_id, references: { table: accounts }, name: tx_account_fkey }\n").Steps.Where(s => !IsGuard(s)).ToList();

        // Then NOT VALID and VALIDATE per partition, then the parent's ADD without NOT VALID
        steps.Count(s => s.Phase == MigrationPhase.Expand && s.Sql.EndsWith("NOT VALID", StringComparison.Ordinal)).ShouldBe(3);
        steps.Count(s => s.Phase == MigrationPhase.Validate && s.Sql.Contains("VALIDATE CONSTRAINT", StringComparison.Ordinal)).ShouldBe(3);
        steps[^1].Sql.ShouldBe("ALTER TABLE \"public\".\"transactions\" ADD CONSTRAINT \"tx_account_fkey\" FOREIGN KEY (\"account_id\") REFERENCES \"public\".\"accounts\" (\"id\")");
    }

    [Fact]
    public void SetNotNull_OnPartitionedTable_DeclaresTheLockOnEveryPartitionItRecursesTo()
    {
        // Given a set_not_null on a partitioned table (each ALTER recurses to every partition)
        // When it is planned
        var set = Plan("  - set_not_null: { table: transactions, column: auth_code }\n").Steps.Single(s => s.Key.EndsWith(".set", StringComparison.Ordinal));

        // Then the runner knows it takes ACCESS EXCLUSIVE on the parent and all three partitions
        set.Statement!.Locks.Count.ShouldBe(4);
        set.Statement.Locks.ShouldAllBe(l => l.Mode == LockMode.AccessExclusive);
    }
}
