using Switchyard.Core.Execution;
using Switchyard.Core.Planning;
using static Switchyard.Core.Operations.Shared.OperationSteps;

namespace Switchyard.Core.Operations.DropIndex;

/// <summary>pgroll's <c>drop_index</c>: DROP INDEX CONCURRENTLY in Contract (reads and writes continue).</summary>
public sealed record PgrollDropIndex(QualifiedName Index) : UnitOperation
{
    public override string Kind => "drop_index";

    public override OperationBrief Brief => new(
        $"Drops index {Index} CONCURRENTLY in Contract: reads and writes continue.",
        "None, beyond queries that relied on the index getting slower.");

    /// <summary>An index is not a table: the migration is journaled under the index name.</summary>
    public override QualifiedName? Table => Index;

    public override IEnumerable<CatalogNeed> Needs => [];

    public static PgrollDropIndex Parse(OperationFields f) => new(f.Relation("name"));

    public override IEnumerable<PlanStep> Plan(OperationPlanContext context)
    {
        yield return Step(context, MigrationPhase.Contract, $"{Index.Name}.drop", $"Drop index {Index} CONCURRENTLY",
            Ddl($"DROP INDEX CONCURRENTLY IF EXISTS {Index.Sql}", null, LockMode.None, concurrently: true), PastPointOfNoReturn, StepTraits.Drops);
    }
}
