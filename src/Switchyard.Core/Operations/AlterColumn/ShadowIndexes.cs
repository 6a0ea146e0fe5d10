using static Switchyard.Core.Operations.Shared.OperationSteps;
using Switchyard.Core.Catalog;
using Switchyard.Core.Execution;
using Switchyard.Core.Planning;

namespace Switchyard.Core.Operations.AlterColumn;

/// <summary>The old column's indexes, rebuilt for the shadow that replaces it (the swap's DROP COLUMN drops them).</summary>
internal static class ShadowIndexes
{
    // Each plain one, and the unique constraint it backs, is built CONCURRENTLY on the shadow in Validate and takes its
    // old name in the swap's transaction. An index the shadow cannot simply be named in (an expression, a predicate, an
    // operator class of the old type) or an exclusion constraint is not rebuilt: the swap step names it. A primary key,
    // identity or referenced column is refused before anything runs (AlterColumnShadow).

    public static IReadOnlyList<CatalogIndex> Kept(CatalogColumn? old) => [.. (old?.Indexes ?? []).Where(i => i.Plain && i.Constraint is null or 'u')];

    public static IReadOnlyList<CatalogIndex> Lost(CatalogColumn? old) => [.. (old?.Indexes ?? []).Where(i => !(i.Plain && i.Constraint is null or 'u'))];

    private static string BuildName(QualifiedName table, CatalogIndex index) => Ident.Fit($"_sy_new_{index.Name}", $"{table}.{index.Name}");

    /// <summary>One CONCURRENTLY build per kept index, in Validate: after the backfill, so the build reads filled rows once.</summary>
    public static IEnumerable<PlanStep> Build(OperationPlanContext ctx, QualifiedName table, string column, string shadow, IReadOnlyList<CatalogIndex> kept)
    {
        foreach (var index in kept)
        {
            var name = BuildName(table, index);
            var built = new QualifiedName(table.Schema, name);
            var drop = $"DROP INDEX CONCURRENTLY IF EXISTS {built.Sql}";
            var columns = string.Join(", ", index.Columns.Select(c => Ident.Quote(c == column ? shadow : c)));
            yield return Step(ctx, MigrationPhase.Validate, $"{table.Name}.{name}.index", $"Build {(index.Unique ? "unique " : "")}index {name} on {shadow} CONCURRENTLY, to replace {index.Name} at the swap (reads and writes continue)",
                Ddl($"CREATE {(index.Unique ? "UNIQUE " : "")}INDEX CONCURRENTLY IF NOT EXISTS {Ident.Quote(name)} ON {table.Sql} USING {Ident.Quote(index.Method)} ({columns})",
                    table, LockMode.ShareUpdateExclusive, concurrently: true, repair: drop),
                Undo($"Drop index {name} CONCURRENTLY", Ddl(drop, table, LockMode.ShareUpdateExclusive, concurrently: true)),
                StepTraits.IndexBuild, CatalogProbes.IndexValid(built), CatalogProbes.IndexInvalid(built));
        }
    }

    /// <summary>In the swap's transaction, once the old column (and its indexes) are gone: each rebuilt index takes the old name.</summary>
    public static IEnumerable<string> TakeOldNames(QualifiedName table, IReadOnlyList<CatalogIndex> kept) => kept.Select(index =>
        index.Constraint == 'u'
            ? $"ALTER TABLE {table.Sql} ADD CONSTRAINT {Ident.Quote(index.Name)} UNIQUE USING INDEX {Ident.Quote(BuildName(table, index))}"
            : $"ALTER INDEX {new QualifiedName(table.Schema, BuildName(table, index)).Sql} RENAME TO {Ident.Quote(index.Name)}");

    /// <summary>For the swap's description: the indexes that go with the old column.</summary>
    public static string LostText(IReadOnlyList<CatalogIndex> lost) => lost.Count == 0 ? ""
        : $"; {string.Join(", ", lost.Select(i => i.Name))} {(lost.Count == 1 ? "goes" : "go")} with it (not a plain index of columns: recreate with create_index or create_constraint)";
}
