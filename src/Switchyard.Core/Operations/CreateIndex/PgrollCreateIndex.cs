using Switchyard.Core.Execution;
using Switchyard.Core.Planning;
using static Switchyard.Core.Operations.Shared.OperationSteps;

namespace Switchyard.Core.Operations.CreateIndex;

/// <summary>pgroll's <c>create_index</c>: CREATE [UNIQUE] INDEX CONCURRENTLY in Expand; a half-built (INVALID) index is dropped before a retry.</summary>
public sealed record PgrollCreateIndex(QualifiedName On, string Name, IReadOnlyList<IndexColumn> Columns, bool Unique, string? Method, string? Predicate, string? StorageParameters) : UnitOperation
{
    private static readonly string[] Methods = ["btree", "hash", "gist", "spgist", "gin", "brin"];

    public override string Kind => "create_index";

    public override OperationBrief Brief => new(
        $"Builds {(Unique ? "unique " : "")}index {Name} on {On} ({string.Join(", ", Columns.Select(c => c.Name))}) CONCURRENTLY in Expand: reads and writes continue.",
        Unique ? "From Expand a write that duplicates the key fails, whichever version writes it." : "None: an index changes no result.");

    public override QualifiedName? Table => On;

    public override IEnumerable<CatalogNeed> Needs => Columns.Select(c => new CatalogNeed(On, c.Name, "columns")).Prepend(new CatalogNeed(On, null));

    public static PgrollCreateIndex Parse(OperationFields f) => new(f.Relation("table"), f.Identifier("name"), IndexColumn.ParseAll(f),
        f.Bool("unique", false), f.Keyword("method", Methods), f.OptionalText("predicate"), f.OptionalText("storage_parameters"));

    public override IEnumerable<PlanStep> Plan(OperationPlanContext context)
    {
        var index = new QualifiedName(On.Schema, Name);
        var drop = $"DROP INDEX CONCURRENTLY IF EXISTS {index.Sql}";
        var sql = $"CREATE {(Unique ? "UNIQUE " : "")}INDEX CONCURRENTLY IF NOT EXISTS {Ident.Quote(Name)} ON {On.Sql}"
            + (Method is null ? "" : " USING " + Method)
            + $" ({string.Join(", ", Columns.Select(c => c.Sql))})"
            + (StorageParameters is null ? "" : $" WITH ({StorageParameters})")
            + (Predicate is null ? "" : $" WHERE {Predicate}");
        yield return Step(context, MigrationPhase.Expand, $"{On.Name}.{Name}.create", $"Build index {Name} CONCURRENTLY (reads and writes continue)",
            Ddl(sql, On, LockMode.ShareUpdateExclusive, concurrently: true, repair: drop),
            Undo($"Drop index {Name} CONCURRENTLY", Ddl(drop, On, LockMode.ShareUpdateExclusive, concurrently: true)),
            StepTraits.IndexBuild, CatalogProbes.IndexValid(index), CatalogProbes.IndexInvalid(index));
    }
}
