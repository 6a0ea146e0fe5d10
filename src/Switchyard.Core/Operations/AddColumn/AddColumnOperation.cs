using Switchyard.Core.Execution;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;
using YamlDotNet.RepresentationModel;
using static Switchyard.Core.Operations.Shared.OperationSteps;

namespace Switchyard.Core.Operations.AddColumn;

/// <summary><c>add_column</c>: a nullable column (or one with a constant default), no table rewrite.</summary>
public sealed record AddColumnOperation(QualifiedName Table, ColumnDefinition Column) : UnitOperation
{
    public override string Kind => "add_column";

    public override QualifiedName Table { get; } = Table;

    public override string Summary =>
        $"{Table}.{Column.Name} {Column.Type}{(Column.Default is null ? "" : " DEFAULT " + Column.Default)}";

    public override OperationBrief Brief => new(
        $"Adds column {Table}.{Column.Name} {Column.Type} in Expand (catalog-only{(Column.Default is null ? "" : ", a constant default fills existing rows without a rewrite")}).",
        $"The old version never reads it; its inserts leave it {(Column.Default is null ? "NULL" : "at the default")}. The new version may use it once Expand is done.");

    public override IEnumerable<CatalogNeed> Creates => [new(Table, Column.Name)];

    /// <summary>Reads the operation from its spec mapping (file:line:col errors through the spec reader).</summary>
    internal static AddColumnOperation Parse(SpecLoader.Reader r, YamlMappingNode map)
    {
        r.Only(map, "table", "name", "type", "nullable", "default");
        var column = new ColumnDefinition(r.RequiredIdentifier(map, "name", "note"), r.RequiredText(map, "type", "text"), r.Bool(map, "nullable", true), r.OptionalText(map, "default"));
        if (!column.Nullable && column.Default is null)
            throw r.Error(map, $"add_column '{column.Name}' is NOT NULL without a default: existing rows would violate it.",
                "Add it nullable, backfill it, then use set_not_null; or give a constant default.");
        return new AddColumnOperation(r.Table(map), column);
    }

    public override IEnumerable<PlanStep> Plan(OperationPlanContext context)
    {
        var col = Column;
        yield return MigrationPlanner.Step($"expand.{Table.Name}.{col.Name}.add", MigrationPhase.Expand, $"Add column {Table}.{col.Name} {col.Type} (catalog-only change, no rewrite)",
            Ddl($"ALTER TABLE {Table.Sql} ADD COLUMN IF NOT EXISTS {Ident.Quote(col.Name)} {col.Type}{(col.Default is null ? "" : " DEFAULT " + col.Default)}{(col.Nullable ? "" : " NOT NULL")}", Table, LockMode.AccessExclusive),
            Undo($"Drop column {Table}.{col.Name}", Ddl($"ALTER TABLE {Table.Sql} DROP COLUMN IF EXISTS {Ident.Quote(col.Name)}", Table, LockMode.AccessExclusive)));
    }
}
