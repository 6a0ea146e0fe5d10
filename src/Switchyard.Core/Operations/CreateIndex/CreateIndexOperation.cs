using Switchyard.Core.Execution;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;
using YamlDotNet.RepresentationModel;
using static Switchyard.Core.Operations.Shared.OperationSteps;

namespace Switchyard.Core.Operations.CreateIndex;

/// <summary><c>create_index</c>: always <c>CREATE INDEX CONCURRENTLY</c> (per partition, then attached, on a partitioned table).</summary>
public sealed record CreateIndexOperation(QualifiedName Table, string Name, IReadOnlyList<string> Columns, bool Unique = false) : UnitOperation
{
    public override string Kind => "create_index";

    public override QualifiedName Table { get; } = Table;

    public override string Summary =>
        $"{Name} ON {Table} ({string.Join(", ", Columns)}) CONCURRENTLY";

    public override OperationBrief Brief => new(
        $"Builds {(Unique ? "unique " : "")}index {Name} on {Table} ({string.Join(", ", Columns)}) CONCURRENTLY in Validate (after the backfill fills its columns): reads and writes continue.",
        Unique ? $"From Validate a write that duplicates ({string.Join(", ", Columns)}) fails, whichever version writes it." : "None: an index changes no result.");

    public override IEnumerable<CatalogNeed> Needs => Columns.Select(c => new CatalogNeed(Table, c, "columns"));

    /// <summary>Reads the operation from its spec mapping (file:line:col errors through the spec reader).</summary>
    internal static CreateIndexOperation Parse(SpecLoader.Reader r, YamlMappingNode map)
    {
        r.Only(map, "table", "columns", "name", "unique", "concurrently");
        if (SpecLoader.Reader.Optional(map, "concurrently") is { } c && !r.Bool(map, "concurrently", true))
            throw r.Error(c, "create_index always builds CONCURRENTLY: a plain CREATE INDEX blocks every write for the whole build.", "Remove `concurrently: false`.");
        var table = r.Table(map);
        var columns = r.TextList(map, "columns", "state_id");
        foreach (var column in ((YamlSequenceNode)r.Required(map, "columns", "")).Children) r.Identifier(column, "columns");
        var name = r.OptionalIdentifier(map, "name") ?? Ident.Fit($"{table.Name}_{string.Join("_", columns)}_idx", $"{table}({string.Join(",", columns)})");
        return new CreateIndexOperation(table, name, columns, r.Bool(map, "unique", false));
    }

    public override IEnumerable<PlanStep> Plan(OperationPlanContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Partitioned.TryGetValue(Table, out var partitioned)) return PartitionedIndexSteps.Build(this, partitioned);
        var index = new QualifiedName(Table.Schema, Name);
        var drop = $"DROP INDEX CONCURRENTLY IF EXISTS {index.Sql}";
        return [MigrationPlanner.Step($"validate.{Table.Name}.{Name}", MigrationPhase.Validate, $"Build index {Name} CONCURRENTLY (reads and writes continue)",
            Ddl($"CREATE {(Unique ? "UNIQUE " : "")}INDEX CONCURRENTLY IF NOT EXISTS {Ident.Quote(Name)} ON {Table.Sql} ({string.Join(", ", Columns.Select(Ident.Quote))})",
                Table, LockMode.ShareUpdateExclusive, concurrently: true, repair: drop),
            Undo($"Drop index {Name} CONCURRENTLY", Ddl(drop, Table, LockMode.ShareUpdateExclusive, concurrently: true)),
            CatalogProbes.IndexValid(index), CatalogProbes.IndexInvalid(index), StepTraits.IndexBuild) with { Index = new BuiltIndex(Table, Name, Columns) }];
    }
}
