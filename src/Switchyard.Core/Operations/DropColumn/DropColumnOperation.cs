using Switchyard.Core.Execution;
using Switchyard.Core.Operations.NormalizeColumn;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;
using YamlDotNet.RepresentationModel;
using static Switchyard.Core.Operations.Shared.OperationSteps;

namespace Switchyard.Core.Operations.DropColumn;

/// <summary><c>drop_column</c>: in Contract; optionally keeps a compat view rebuilding a normalized column from its lookup.</summary>
public sealed record DropColumnOperation(QualifiedName Table, string Column, QualifiedName? CompatView) : UnitOperation
{
    public override string Kind => "drop_column";

    public override QualifiedName Table { get; } = Table;

    public override string Summary =>
        $"{Table}.{Column} (Contract)";

    public override OperationBrief Brief => new(
        $"Drops column {Table}.{Column} in Contract{(CompatView is null ? "" : $"; view {CompatView} keeps the old shape for readers")}.",
        $"Until Contract both versions may still use {Column}; after it nothing may{(CompatView is null ? "" : $", except through {CompatView}")}. Contract waits for the old version to be gone.");

    public override IEnumerable<CatalogNeed> Needs => [new(Table, Column, "column")];

    /// <summary>Reads the operation from its spec mapping (file:line:col errors through the spec reader).</summary>
    internal static DropColumnOperation Parse(SpecLoader.Reader r, YamlMappingNode map)
    {
        r.Only(map, "table", "column", "compat_view");
        var table = r.Table(map);
        return new DropColumnOperation(table, r.RequiredIdentifier(map, "column", "status"),
            SpecLoader.Reader.Optional(map, "compat_view") is { } v ? r.Relation(v, "compat_view", table.Schema) : null);
    }

    public override IEnumerable<PlanStep> Plan(OperationPlanContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (CompatView is { } view) yield return CompatViewStep(context, view);
        yield return MigrationPlanner.Step($"contract.{Table.Name}.{Column}.drop", MigrationPhase.Contract, $"Drop column {Table}.{Column} (catalog-only, brief lock)",
            Ddl($"ALTER TABLE {Table.Sql} DROP COLUMN IF EXISTS {Ident.Quote(Column)}", Table, LockMode.AccessExclusive),
            Nothing("Point of no return: the column's data is gone."), traits: StepTraits.Drops);
    }

    private PlanStep CompatViewStep(OperationPlanContext context, QualifiedName view)
    {
        var t = context.Operations.OfType<NormalizeColumnOperation>().Select(n => n.Target).FirstOrDefault(n => n.Table == Table && n.SourceColumn == Column)
            ?? throw new SpecException(At("compat_view"), $"compat_view needs a normalize_column of {Table}.{Column} in the same spec: the view rebuilds {Column} from the lookup.",
                "Remove compat_view, or add the normalize_column operation for this column.");
        var columns = context.Columns(Table).Select(c => c.Name).Where(c => c != t.TargetColumn).ToList();
        if (!columns.Contains(t.SourceColumn)) columns.Add(t.SourceColumn);
        var select = string.Join(", ", columns.Select(c => c == t.SourceColumn
            ? $"s.{Ident.Quote(t.LookupCodeColumn)} AS {Ident.Quote(c)}"
            : $"t.{Ident.Quote(c)}"));
        return MigrationPlanner.Step($"contract.{Table.Name}.{view.Name}.view", MigrationPhase.Contract, $"Create compat view {view} exposing {Column} for downstream readers",
            Ddl($"CREATE OR REPLACE VIEW {view.Sql} AS SELECT {select} FROM {Table.Sql} t LEFT JOIN {t.LookupTable.Sql} s ON s.{Ident.Quote(t.LookupIdColumn)} = t.{Ident.Quote(t.TargetColumn)}", null, LockMode.None),
            Nothing("Point of no return: kept for the deprecation window."));
    }
}
