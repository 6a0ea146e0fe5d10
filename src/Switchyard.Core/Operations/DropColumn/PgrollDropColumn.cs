using Switchyard.Core.Execution;
using Switchyard.Core.Operations.VersionSchemas;
using Switchyard.Core.Planning;
using static Switchyard.Core.Operations.Shared.OperationSteps;

namespace Switchyard.Core.Operations.DropColumn;

/// <summary>
/// pgroll's <c>drop_column</c>: the column goes in Contract. Its <c>down</c> (what pgroll writes into the column for
/// the old version while the new one runs) is read but unused: the column stays in the table until Contract, so the old
/// version keeps writing it itself; only the new version's view leaves it out.
/// </summary>
public sealed record PgrollDropColumn(QualifiedName On, string Column, string? Down) : UnitOperation
{
    public override string Kind => "drop_column";

    public override OperationBrief Brief => new(
        $"Drops column {On}.{Column} in Contract (catalog-only, brief lock); until then it stays for the old version.",
        $"The new version must not use {Column}. Contract waits for the old version to be gone.");

    public override QualifiedName? Table => On;

    public override IEnumerable<CatalogNeed> Needs => [new CatalogNeed(On, Column, "column")];

    /// <summary>The new version's view no longer shows the column; the old version's still does until Contract.</summary>
    public override void ShapeVersions(VersionedTables tables) => tables.Touch(On)?.DropColumn(Column);

    public static PgrollDropColumn Parse(OperationFields f) => new(f.Relation("table"), f.Identifier("column"), f.OptionalText("down"));

    public override IEnumerable<PlanStep> Plan(OperationPlanContext context)
    {
        yield return Step(context, MigrationPhase.Contract, $"{On.Name}.{Column}.drop", $"Drop column {On}.{Column} (catalog-only, brief lock)",
            Ddl($"ALTER TABLE {On.Sql} DROP COLUMN IF EXISTS {Ident.Quote(Column)}", On, LockMode.AccessExclusive), PastPointOfNoReturn, StepTraits.Drops);
    }
}
