using Switchyard.Core.Execution;
using Switchyard.Core.Planning;
using static Switchyard.Core.Operations.Shared.OperationSteps;

namespace Switchyard.Core.Operations.RenameConstraint;

/// <summary>pgroll's <c>rename_constraint</c>: catalog-only, in Contract.</summary>
public sealed record PgrollRenameConstraint(QualifiedName On, string From, string To) : UnitOperation
{
    public override string Kind => "rename_constraint";

    public override OperationBrief Brief => new(
        $"Renames constraint {From} on {On} to {To} in Contract (catalog-only).",
        "None, unless an application matches constraint names in error messages.");

    public override QualifiedName? Table => On;

    public static PgrollRenameConstraint Parse(OperationFields f) => new(f.Relation("table"), f.Identifier("from"), f.Identifier("to"));

    public override IEnumerable<PlanStep> Plan(OperationPlanContext context)
    {
        yield return Step(context, MigrationPhase.Contract, $"{On.Name}.{From}.rename", $"Rename constraint {From} on {On} to {To} (catalog-only)",
            Ddl($"ALTER TABLE {On.Sql} RENAME CONSTRAINT {Ident.Quote(From)} TO {Ident.Quote(To)}", On, LockMode.AccessExclusive), PastPointOfNoReturn, StepTraits.Renames,
            appliedProbe: CatalogProbes.ConstraintExists(On, To));
    }
}
