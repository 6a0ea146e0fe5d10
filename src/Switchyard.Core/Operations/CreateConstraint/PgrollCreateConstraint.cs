using Switchyard.Core.Execution;
using Switchyard.Core.Operations.Shared;
using Switchyard.Core.Planning;
using static Switchyard.Core.Operations.Shared.OperationSteps;

namespace Switchyard.Core.Operations.CreateConstraint;

/// <summary>
/// pgroll's <c>create_constraint</c> on an existing table. A trigger applies each column's <c>up</c> to every write,
/// the backfill passes existing rows through it, then the constraint is added online: CHECK and FOREIGN KEY NOT VALID
/// then VALIDATE; UNIQUE and PRIMARY KEY from a unique index built CONCURRENTLY, attached USING INDEX; EXCLUDE (which
/// PostgreSQL can neither add NOT VALID nor from an index) directly, under ACCESS EXCLUSIVE while it scans.
/// </summary>
public sealed record PgrollCreateConstraint(QualifiedName On, TableConstraintSpec Constraint, IReadOnlyDictionary<string, string> Up, IReadOnlyDictionary<string, string> Down) : UnitOperation
{
    private const string Purpose = "up";

    public override string Kind => "create_constraint";

    public override string Summary =>
        $"{Constraint.Type} {Constraint.Name} ON {On}"
        + (Constraint.References is { } r ? $" → {r.Table} ON DELETE {r.OnDelete ?? "NO ACTION"}" : "");

    public override OperationBrief Brief => new(
        $"Adds {Constraint.Type.Replace('_', ' ')} constraint {Constraint.Name} on {On}{(Constraint.Columns.Count > 0 ? $" ({string.Join(", ", Constraint.Columns)})" : "")}: "
            + (Up.Count > 0 ? "a trigger applies up to every write and the backfill fixes existing rows, then " : "")
            + Constraint.Type switch
            {
                "unique" or "primary_key" => "a unique index is built CONCURRENTLY and attached.",
                "exclude" => "it is added directly, under ACCESS EXCLUSIVE while it scans (PostgreSQL cannot add it NOT VALID).",
                _ => "it is added NOT VALID and validated while writes continue.",
            },
        Up.Count > 0 ? "Until Contract the old version's writes pass through up, so they meet the constraint; after Contract they must meet it themselves."
            : "From the step that adds it, every write must meet it, whichever version writes.");

    public override QualifiedName? Table => On;

    public override IEnumerable<CatalogNeed> Needs => Constraint.Columns.Select(c => new CatalogNeed(On, c, "columns")).Prepend(new CatalogNeed(On, null));

    public static PgrollCreateConstraint Parse(OperationFields f)
    {
        var constraint = TableConstraintSpec.Parse(f);
        var op = new PgrollCreateConstraint(f.Relation("table"), constraint, f.ExpressionMap("up"), f.ExpressionMap("down"));
        foreach (var column in op.Up.Keys.Concat(op.Down.Keys).Where(k => !constraint.Columns.Contains(k)))
            throw f.Error("up", $"'{column}' in up/down is not one of the constraint's columns ({string.Join(", ", constraint.Columns)}).", "Map only the columns listed in `columns`.");
        return op;
    }

    public override IEnumerable<PlanStep> Plan(OperationPlanContext context)
    {
        var c = Constraint;
        var anchor = c.Columns.Count > 0 ? c.Columns[0] : c.Name;
        if (Up.Count > 0)
        {
            var assign = string.Concat(Up.Select(u => $"    NEW.{Ident.Quote(u.Key)} := ({u.Value});\n"));
            var body = $"  DECLARE\n{RowTriggers.Declare(On, context.Columns(On))}  BEGIN\n{assign}  END;";
            foreach (var s in RowTriggers.Install(context, On, anchor, Purpose, body, $"applies up to {string.Join(", ", Up.Keys)} on every write")) yield return s;
            yield return RowTriggers.Backfill(context, On, anchor, Up.Keys.First(), Purpose);
        }
        var steps = c.Type switch
        {
            "check" => ConstraintSteps.Check(context, On, new CheckSpec(c.Name, c.Check!, c.NoInherit), MigrationPhase.Validate),
            "foreign_key" => ConstraintSteps.ForeignKey(context, On, c.Name, c.Columns, c.References!, MigrationPhase.Validate),
            "unique" or "primary_key" => ConstraintSteps.UniqueByIndex(context, On, c.Name, c.Columns, c.Type == "primary_key", c.Include),
            _ => [Step(context, MigrationPhase.Validate, $"{On.Name}.{c.Name}.add", $"Add EXCLUDE constraint {c.Name} (scans under ACCESS EXCLUSIVE: no NOT VALID form exists)",
                Ddl($"ALTER TABLE {On.Sql} ADD {c.Definition}", On, LockMode.AccessExclusive),
                Undo($"Drop constraint {c.Name}", Ddl($"ALTER TABLE {On.Sql} DROP CONSTRAINT IF EXISTS {Ident.Quote(c.Name)}", On, LockMode.AccessExclusive)),
                StepTraits.Scans | StepTraits.IndexBuild)],
        };
        foreach (var s in steps) yield return s;
        if (Up.Count > 0)
            foreach (var s in RowTriggers.Remove(context, On, anchor, Purpose)) yield return s;
    }
}
