using Switchyard.Core.Execution;
using Switchyard.Core.Operations.Shared;
using Switchyard.Core.Operations.VersionSchemas;
using Switchyard.Core.Planning;
using static Switchyard.Core.Operations.Shared.OperationSteps;

namespace Switchyard.Core.Operations.CreateTable;

/// <summary>pgroll's <c>create_table</c>: a new table with its columns, keys, checks, references and comments, in Expand.</summary>
public sealed record PgrollCreateTable(QualifiedName Name, IReadOnlyList<ColumnSpec> Columns, IReadOnlyList<TableConstraintSpec> Constraints, string? Comment) : UnitOperation
{
    public override string Kind => "create_table";

    public override OperationBrief Brief => new(
        $"Creates table {Name} ({Columns.Count} column(s), {Constraints.Count} table constraint(s)) in Expand.",
        "None for the old version: the table is new. The new version may use it once Expand is done.");

    public override QualifiedName? Table => Name;

    public override IEnumerable<CatalogNeed> Needs =>
        Columns.Select(c => c.References?.Table).Concat(Constraints.Select(c => c.References?.Table)).OfType<QualifiedName>().Where(t => t != Name).Select(t => new CatalogNeed(t, null, "columns"));

    public override IEnumerable<CatalogNeed> Creates => [new CatalogNeed(Name, null)];

    public override void ShapeVersions(VersionedTables tables) => tables.Create(Name, Columns.Select(c => c.Name));

    public static PgrollCreateTable Parse(OperationFields f)
    {
        var columns = f.Maps("columns", ColumnSpec.Fields);
        if (columns.Count == 0) throw f.Error("columns", "create_table needs a non-empty 'columns' list.", "Write `columns: [{ name: id, type: bigint, pk: true }]`.");
        return new(f.Relation("name"), [.. columns.Select(ColumnSpec.Parse)], [.. f.Maps("constraints", TableConstraintSpec.Fields).Select(TableConstraintSpec.Parse)], f.OptionalText("comment"));
    }

    public override IEnumerable<PlanStep> Plan(OperationPlanContext context)
    {
        var keys = Columns.Where(c => c.PrimaryKey).Select(c => Ident.Quote(c.Name)).ToList();
        var parts = Columns.Select(c => c.Definition(Name))
            .Concat(keys.Count > 0 ? [$"PRIMARY KEY ({string.Join(", ", keys)})"] : [])
            .Concat(Constraints.Select(c => c.Definition));
        // A new table has no rows to check; the tables it references take SHARE ROW EXCLUSIVE for the new foreign keys.
        var referenced = Needs.Select(n => n.Table).Distinct().Select(t => new TableLock(t, LockMode.ShareRowExclusive)).ToList();
        yield return Step(context, MigrationPhase.Expand, $"{Name.Name}.create", $"Create table {Name}",
            new DdlStatement($"CREATE TABLE {Name.Sql} ({string.Join(", ", parts)})", referenced),
            Undo($"Drop table {Name}", Ddl($"DROP TABLE IF EXISTS {Name.Sql}", Name, LockMode.AccessExclusive)),
            appliedProbe: CatalogProbes.RelationExists(Name));
        if (Comment is not null) yield return CommentStep(context, MigrationPhase.Expand, Name, null, Comment);
        foreach (var c in Columns.Where(c => c.Comment is not null)) yield return CommentStep(context, MigrationPhase.Expand, Name, c.Name, c.Comment);
    }
}
