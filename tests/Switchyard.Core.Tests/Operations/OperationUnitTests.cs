using Switchyard.Core.Catalog;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations;
using Switchyard.Core.Operations.AddForeignKey;
using Switchyard.Core.Operations.CreateIndex;
using Switchyard.Core.Operations.NormalizeColumn;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;

namespace Switchyard.Core.Tests.Operations;

public sealed class OperationUnitTests
{
    private const string EveryKind = """
        migration: every-kind
        operations:
          - create_table: { table: merchants, columns: [{ name: id, type: bigint, primary_key: true }], seed: [{ id: "1" }] }
          - add_column: { table: transactions, name: note, type: text }
          - normalize_column:
              table: transactions
              column: status
              target_column: state_id
              lookup: { table: transaction_state, codes: [authorized, settled] }
          - add_foreign_key: { table: transactions, column: state_id, references: { table: transaction_state } }
          - create_index: { table: transactions, columns: [state_id] }
          - set_not_null: { table: transactions, column: state_id }
          - drop_column: { table: transactions, column: status, compat_view: transactions_with_status }
          - drop_index: { name: transactions_status_idx }
          - raw_sql: { up: "SELECT 1", phase: validate }
        """;

    private static readonly QualifiedName Transactions = new("public", "transactions");

    private static MigrationPlan Plan(MigrationSpec spec) => MigrationPlanner.Build(spec,
        new Dictionary<QualifiedName, IReadOnlyList<CatalogColumn>> { [Transactions] = [new("id", "bigint", false), new("status", "text", false)] });

    [Fact]
    public void SwitchyardKinds_EveryOperation_IsAUnitTheRegistryParsesAndThatPlansItself()
    {
        // Given a spec using every kind of Switchyard's own format, the normalization after a create_table
        var spec = SpecLoader.Load(EveryKind, "every-kind.yaml");

        // When it is loaded and planned
        var plan = Plan(spec);

        // Then each operation is a unit of a registered kind, and every kind is used
        spec.Operations.Select(o => o.Kind).ShouldBe(OperationRegistry.Switchyard.Keys, ignoreOrder: true);
        spec.Operations.ShouldAllBe(o => o is UnitOperation);

        // And the normalization's own steps carry typed payloads: its backfill fills its target, its two gates prove it
        var normalization = spec.Operations.OfType<NormalizeColumnOperation>().Single().Target;
        plan.Steps.Single(s => s.Kind == StepKind.Backfill).BackfillTarget.ShouldBe(normalization);
        plan.Steps.Where(s => s.Kind == StepKind.Gate).Select(s => (s.Phase, s.Proof)).ShouldBe(
            [(MigrationPhase.Validate, new NormalizationProof(normalization)), (MigrationPhase.Contract, new NormalizationProof(normalization))]);

        // And the migration is journaled under, and flagged by, the operation people cut over, not the first one
        plan.TargetTable.ShouldBe(Transactions);
        plan.FlagKey.ShouldBe("public.transactions.status");
        plan.Phase(MigrationPhase.Cutover).Steps.Single().Key.ShouldBe("cutover.flags");

        // And the normalization drops its trigger in Contract because the same migration drops the legacy column
        plan.Phase(MigrationPhase.Contract).Steps.Select(s => s.Key).ShouldContain("contract.transactions.status.drop_trigger");

        // And the compat view rebuilds the legacy column from the lookup the normalization created
        plan.Steps.Single(s => s.Key == "contract.transactions.transactions_with_status.view").Sql.ShouldContain("LEFT JOIN \"public\".\"transaction_state\" s");

        // And raw_sql keeps the step key journals recorded before operations were units: its phase and the steps before it
        plan.Steps.Single(s => s.Description == "raw SQL").Key.ShouldBe($"validate.raw_sql.{plan.Steps.Count(s => s.Key != "cutover.flags" && s.Description != "raw SQL")}");
    }

    [Fact]
    public void NormalizeColumn_WithoutDropColumn_KeepsItsTriggerAndGatesBothPhases()
    {
        // Given a normalization whose migration does not drop the legacy column
        var spec = SpecLoader.Load("""
            migration: alone
            operations:
              - normalize_column:
                  table: transactions
                  column: status
                  target_column: state_id
                  lookup: { table: transaction_state, codes: [authorized, settled] }
            """, "alone.yaml");

        // When it is planned
        var plan = Plan(spec);

        // Then nothing of it is dropped in Contract, which holds only its gate
        plan.Phase(MigrationPhase.Contract).Steps.Select(s => s.Key).ShouldBe(["contract.transactions.state_id.gate"]);
        plan.Phase(MigrationPhase.Validate).Steps.Select(s => s.Key).ShouldBe(["validate.transactions.state_id.complete"]);
    }

    [Fact]
    public void PartitionedSteps_SubPartitionedPartition_RefusedByIndexAndForeignKeyNamingThePartition()
    {
        // Given a partitioned table one of whose partitions is itself partitioned
        var ledger = new QualifiedName("public", "ledger");
        var nested = new QualifiedName("public", "ledger_2026");
        var table = new PartitionedTable(ledger, [new("public", "ledger_2025"), nested], [nested], ["booked_on"]);

        // When an index and a foreign key plan their per-partition steps on it
        var index = Should.Throw<SpecException>(() => PartitionedIndexSteps.Build(new CreateIndexOperation(ledger, "ledger_state_idx", ["state_id"]), table).ToList());
        var key = Should.Throw<SpecException>(() => PartitionedForeignKeySteps.Build(
            new AddForeignKeyOperation(ledger, "state_id", new QualifiedName("public", "transaction_state"), "id", "ledger_state_fkey"), table).ToList());

        // Then each refuses before any step, naming the nested partition and saying what to do instead
        index.Message.ShouldContain("create_index on public.ledger: partition public.ledger_2026 is itself partitioned, which Switchyard does not index online yet.");
        key.Message.ShouldContain("add_foreign_key on public.ledger: partition public.ledger_2026 is itself partitioned, which Switchyard does not constrain online yet.");
        index.Hint.ShouldNotBeNullOrEmpty();
        key.Hint.ShouldNotBeNullOrEmpty();
    }
}
