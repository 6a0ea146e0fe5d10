using Switchyard.Core.Execution;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;
using YamlDotNet.RepresentationModel;
using static Switchyard.Core.Operations.Shared.OperationSteps;

namespace Switchyard.Core.Operations.DropIndex;

/// <summary><c>drop_index</c> (both formats): DROP INDEX CONCURRENTLY in Contract (reads and writes continue).</summary>
public sealed record DropIndexOperation(QualifiedName Index) : UnitOperation
{
    public override string Kind => "drop_index";

    public override OperationBrief Brief => new(
        $"Drops index {Index} CONCURRENTLY in Contract: reads and writes continue.",
        "None, beyond queries that relied on the index getting slower.");

    /// <summary>An index is not a table: the migration is journaled under the index name.</summary>
    public override QualifiedName? Table => Index;

    public override IEnumerable<CatalogNeed> Needs => [];

    /// <summary>pgroll's format: <c>name</c>, schema-qualified or in public.</summary>
    public static DropIndexOperation Parse(OperationFields f) => new(f.Relation("name"));

    /// <summary>Switchyard's format: <c>drop_index: { name: transactions_status_idx }</c>, the same field.</summary>
    internal static DropIndexOperation Parse(SpecLoader.Reader r, YamlMappingNode map)
    {
        r.Only(map, "name");
        return new(r.Relation(r.Required(map, "name", "`name: transactions_status_idx`"), "name"));
    }

    public override IEnumerable<PlanStep> Plan(OperationPlanContext context)
    {
        yield return Step(context, MigrationPhase.Contract, $"{Index.Name}.drop", $"Drop index {Index} CONCURRENTLY",
            Ddl($"DROP INDEX CONCURRENTLY IF EXISTS {Index.Sql}", null, LockMode.None, concurrently: true), PastPointOfNoReturn, StepTraits.Drops);
    }
}
