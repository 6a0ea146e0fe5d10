using Switchyard.Core.Execution;
using Switchyard.Core.Operations.Shared;
using Switchyard.Core.Operations.VersionSchemas;
using Switchyard.Core.Planning;
using static Switchyard.Core.Operations.Shared.OperationSteps;

namespace Switchyard.Core.Operations.AddColumn;

/// <summary>
/// pgroll's <c>add_column</c>. Without <c>up</c>: one catalog-only ADD COLUMN (a constant default fills existing rows
/// without a rewrite). With <c>up</c>: the column is added nullable without a default, a trigger computes it from
/// <c>up</c> for every write, the backfill fills existing rows, and NOT NULL, checks, keys and references follow online.
/// </summary>
public sealed record PgrollAddColumn(QualifiedName On, ColumnSpec Column, string? Up) : UnitOperation
{
    private const string Purpose = "up";

    public override string Kind => "add_column";

    public override OperationBrief Brief => Up is null
        ? new($"Adds column {On}.{Column.Name} {Column.Type} in Expand (catalog-only).",
            $"The old version never reads it; its inserts leave it {(Column.Default is null ? "NULL" : "at the default")}.")
        : new($"Adds column {On}.{Column.Name} {Column.Type} in Expand, nullable until proven; a trigger computes it from up for every write, the backfill fills existing rows{(Column.Nullable ? "" : ", and NOT NULL follows in Validate without a scan under a blocking lock")}.",
            $"The old version need not know {Column.Name}: the trigger fills it from up on its writes until Contract. The new version may write it itself.");

    public override QualifiedName? Table => On;

    public override IEnumerable<CatalogNeed> Needs =>
        Column.References is { } r ? [new CatalogNeed(On, null), new CatalogNeed(r.Table, r.Columns[0], "column")] : [new CatalogNeed(On, null)];

    public override IEnumerable<CatalogNeed> Creates => [new CatalogNeed(On, Column.Name)];

    public override IEnumerable<CatalogNeed> AddsColumns => Creates;

    public override void ShapeVersions(VersionedTables tables) => tables.Touch(On)?.AddColumn(Column.Name);

    public static PgrollAddColumn Parse(OperationFields f)
    {
        var column = ColumnSpec.Parse(f.Map("column", ColumnSpec.Fields));
        var up = f.OptionalText("up");
        if (column.PrimaryKey)
            throw f.Error("column", "add_column cannot add a primary key column.", "Add the column, then a create_constraint of type primary_key.");
        if (!column.Nullable && column.Default is null && up is null && column.Generated is null)
            throw f.Error("column", $"column '{column.Name}' is NOT NULL with neither a default nor 'up': existing rows would have no value.",
                "Add `up: <expression>` computing it from the other columns, a `default:`, or `nullable: true`.");
        return new(f.Relation("table"), column, up);
    }

    public override IEnumerable<PlanStep> Plan(OperationPlanContext context)
    {
        var c = Column;
        var name = Ident.Quote(c.Name);
        var inline = Up is null;
        var definition = $"{name} {c.Type}"
            + (c.Generated is null ? "" : " " + c.Generated.Sql)
            + (inline && c.Default is not null ? " DEFAULT " + c.Default : "")
            + (inline && !c.Nullable ? " NOT NULL" : "");
        yield return Step(context, MigrationPhase.Expand, $"{On.Name}.{c.Name}.add", $"Add column {On}.{c.Name} {c.Type}{(inline ? "" : " (nullable until the backfill is proven)")}",
            Ddl($"ALTER TABLE {On.Sql} ADD COLUMN {definition}", On, LockMode.AccessExclusive),
            Undo($"Drop column {On}.{c.Name}", Ddl($"ALTER TABLE {On.Sql} DROP COLUMN IF EXISTS {name}", On, LockMode.AccessExclusive)),
            appliedProbe: CatalogProbes.ColumnExists(On, c.Name));
        if (!inline)
        {
            // Set apart from ADD COLUMN so a volatile default (random(), now()) never rewrites the table: it applies to new rows only.
            if (c.Default is not null)
                yield return Step(context, MigrationPhase.Expand, $"{On.Name}.{c.Name}.default", $"Set the default of {On}.{c.Name} (new rows only; catalog-only)",
                    Ddl($"ALTER TABLE {On.Sql} ALTER COLUMN {name} SET DEFAULT {c.Default}", On, LockMode.AccessExclusive),
                    Nothing("Nothing: the column's undo drops it."));
            var body = $"  DECLARE\n{RowTriggers.Declare(On, context.Columns(On).Where(x => x.Name != c.Name))}  BEGIN\n    IF NEW.{name} IS NULL THEN NEW.{name} := ({Up}); END IF;\n  END;";
            foreach (var s in RowTriggers.Install(context, On, c.Name, Purpose, body, $"fills {c.Name} from up when a write leaves it NULL")) yield return s;
            yield return RowTriggers.Backfill(context, On, c.Name, c.Name, Purpose);
        }
        if (c.Check is not null)
            foreach (var s in ConstraintSteps.Check(context, On, c.Check, inline ? MigrationPhase.Expand : MigrationPhase.Validate)) yield return s;
        if (c.References is not null)
            foreach (var s in ConstraintSteps.ForeignKey(context, On, c.References.Name!, [c.Name], c.References)) yield return s;
        if (!inline && !c.Nullable)
            foreach (var s in ConstraintSteps.NotNull(context, On, c.Name)) yield return s;
        if (c.Unique)
            foreach (var s in ConstraintSteps.UniqueByIndex(context, On, Ident.Fit($"{On.Name}_{c.Name}_key", $"{On}.{c.Name}"), [c.Name], primaryKey: false)) yield return s;
        if (c.Comment is not null) yield return CommentStep(context, MigrationPhase.Expand, On, c.Name, c.Comment);
        if (!inline)
            foreach (var s in RowTriggers.Remove(context, On, c.Name, Purpose)) yield return s;
    }
}
