using Switchyard.Core.Execution;
using Switchyard.Core.Operations.VersionSchemas;
using Switchyard.Core.Planning;
using static Switchyard.Core.Operations.Shared.OperationSteps;

namespace Switchyard.Core.Operations.DropTable;

/// <summary>pgroll's <c>drop_table</c>: the table goes in Contract, after the old application is gone.</summary>
public sealed record PgrollDropTable(QualifiedName Name) : UnitOperation
{
    public override string Kind => "drop_table";

    public override OperationBrief Brief => new(
        $"Drops table {Name} in Contract; until then it stays for the old version.",
        $"The new version must not use {Name}. Contract waits for the old version to be gone.");

    public override QualifiedName? Table => Name;

    /// <summary>The new version has no view of the table; the old version's stays until Contract.</summary>
    public override void ShapeVersions(VersionedTables tables) => tables.Touch(Name)?.Drop();

    public static PgrollDropTable Parse(OperationFields f) => new(f.Relation("name"));

    public override IEnumerable<PlanStep> Plan(OperationPlanContext context)
    {
        yield return Step(context, MigrationPhase.Contract, $"{Name.Name}.drop", $"Drop table {Name}",
            Ddl($"DROP TABLE IF EXISTS {Name.Sql}", Name, LockMode.AccessExclusive), PastPointOfNoReturn, StepTraits.Drops);
    }
}
