using Switchyard.Core.Execution;
using Switchyard.Core.Operations.VersionSchemas;
using Switchyard.Core.Planning;
using static Switchyard.Core.Operations.Shared.OperationSteps;

namespace Switchyard.Core.Operations.RenameColumn;

/// <summary>pgroll's <c>rename_column</c>: catalog-only, in Contract.</summary>
public sealed record PgrollRenameColumn(QualifiedName On, string From, string To) : UnitOperation
{
    public override string Kind => "rename_column";

    public override OperationBrief Brief => new(
        $"Renames column {On}.{From} to {To} in Contract (catalog-only, brief lock).",
        $"Until Contract both versions use {From}; from Contract only {To} exists.");

    public override QualifiedName? Table => On;

    public override IEnumerable<CatalogNeed> Needs => [new CatalogNeed(On, From, "from")];

    public override IEnumerable<CatalogNeed> Creates => [new CatalogNeed(On, To) { OnlyFromContract = true }];

    public override void ShapeVersions(VersionedTables tables) => tables.Touch(On)?.RenameColumn(From, To);

    public static PgrollRenameColumn Parse(OperationFields f) => new(f.Relation("table"), f.Identifier("from"), f.Identifier("to"));

    public override IEnumerable<PlanStep> Plan(OperationPlanContext context)
    {
        yield return Step(context, MigrationPhase.Contract, $"{On.Name}.{From}.rename", $"Rename column {On}.{From} to {To} (catalog-only, brief lock)",
            Ddl($"ALTER TABLE {On.Sql} RENAME COLUMN {Ident.Quote(From)} TO {Ident.Quote(To)}", On, LockMode.AccessExclusive), PastPointOfNoReturn, StepTraits.Renames,
            appliedProbe: CatalogProbes.ColumnExists(On, To));
    }
}
