using Switchyard.Core.Execution;
using Switchyard.Core.Operations.VersionSchemas;
using Switchyard.Core.Planning;
using static Switchyard.Core.Operations.Shared.OperationSteps;

namespace Switchyard.Core.Operations.RenameTable;

/// <summary>pgroll's <c>rename_table</c>: catalog-only, in Contract (an application using the old name stops working there).</summary>
public sealed record PgrollRenameTable(QualifiedName From, string To) : UnitOperation
{
    public override string Kind => "rename_table";

    public override OperationBrief Brief => new(
        $"Renames table {From} to {To} in Contract (catalog-only, brief lock).",
        $"Until Contract both versions use {From.Name}; from Contract only {To} exists.");

    public override QualifiedName? Table => From;

    public override IEnumerable<CatalogNeed> Creates => [new CatalogNeed(From with { Name = To }, null) { OnlyFromContract = true }];

    public override void ShapeVersions(VersionedTables tables) => tables.Touch(From)?.ShowAs(To);

    public static PgrollRenameTable Parse(OperationFields f) => new(f.Relation("from"), f.Identifier("to"));

    public override IEnumerable<PlanStep> Plan(OperationPlanContext context)
    {
        yield return Step(context, MigrationPhase.Contract, $"{From.Name}.rename", $"Rename table {From} to {To} (catalog-only, brief lock)",
            Ddl($"ALTER TABLE {From.Sql} RENAME TO {Ident.Quote(To)}", From, LockMode.AccessExclusive), PastPointOfNoReturn, StepTraits.Renames,
            appliedProbe: CatalogProbes.RelationExists(From with { Name = To }));
    }
}
