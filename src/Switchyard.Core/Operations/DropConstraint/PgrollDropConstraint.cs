using Switchyard.Core.Execution;
using Switchyard.Core.Planning;
using static Switchyard.Core.Operations.Shared.OperationSteps;

namespace Switchyard.Core.Operations.DropConstraint;

/// <summary>
/// pgroll's <c>drop_constraint</c> and <c>drop_multicolumn_constraint</c>: the constraint goes in Contract. Dropping a
/// constraint changes no row, so the <c>up</c> / <c>down</c> expressions (pgroll's per-version writes) are read and
/// checked but have nothing to do without version schemas.
/// </summary>
public sealed record PgrollDropConstraint(string OperationKind, QualifiedName On, string Name, IReadOnlyDictionary<string, string> Up, IReadOnlyDictionary<string, string> Down) : UnitOperation
{
    public override string Kind => OperationKind;

    public override OperationBrief Brief => new(
        $"Drops constraint {Name} on {On} in Contract.",
        "Until Contract every write must still meet it; after it, nothing enforces it.");

    public override QualifiedName? Table => On;

    public static PgrollDropConstraint Parse(OperationFields f) =>
        new("drop_constraint", f.Relation("table"), f.Identifier("name"), Single(f, "up"), Single(f, "down"));

    public static PgrollDropConstraint ParseMultiColumn(OperationFields f) =>
        new("drop_multicolumn_constraint", f.Relation("table"), f.Identifier("name"), f.ExpressionMap("up"), f.ExpressionMap("down"));

    private static Dictionary<string, string> Single(OperationFields f, string key) =>
        f.OptionalText(key) is { } sql ? new() { [""] = sql } : [];

    public override IEnumerable<PlanStep> Plan(OperationPlanContext context)
    {
        yield return Step(context, MigrationPhase.Contract, $"{On.Name}.{Name}.drop", $"Drop constraint {Name} on {On} (catalog-only, brief lock)",
            Ddl($"ALTER TABLE {On.Sql} DROP CONSTRAINT IF EXISTS {Ident.Quote(Name)}", On, LockMode.AccessExclusive), PastPointOfNoReturn, StepTraits.Drops);
    }
}
