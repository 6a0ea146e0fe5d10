using Switchyard.Core.Catalog;
using Switchyard.Core.Execution;
using Switchyard.Core.Planning;

namespace Switchyard.Core.Operations;

/// <summary>
/// One operation as a unit: what it needs in the live catalog, what it creates for the operations after it, and its
/// typed steps per phase (each with lock, rewrite flag, traits and undo). The planner asks nothing else of it.
/// </summary>
public interface IMigrationOperation
{
    /// <summary>The operation's name in the file, e.g. <c>alter_column</c>; also its registry key.</summary>
    string Kind { get; }

    /// <summary>The table the operation works on (the migration is journaled under the first one), or null.</summary>
    QualifiedName? Table { get; }

    /// <summary>Tables and columns that must exist before it runs (or be created by an earlier operation).</summary>
    IEnumerable<CatalogNeed> Needs { get; }

    /// <summary>Tables (column null) and columns it creates, so later operations of the same migration may use them.</summary>
    IEnumerable<CatalogNeed> Creates { get; }

    /// <summary>Physical columns it adds that the old version never had (a new column, a type change's shadow): left out of the old version's view.</summary>
    IEnumerable<CatalogNeed> AddsColumns { get; }

    /// <summary>What it does to its table as each application version sees it (the version schemas' views).</summary>
    void ShapeVersions(VersionSchemas.VersionedTables tables);

    /// <summary>Its steps, in the order they run within each phase.</summary>
    IEnumerable<PlanStep> Plan(OperationPlanContext context);
}

/// <summary>A table (when <see cref="Column"/> is null) or a column an operation needs or creates; <see cref="Field"/> names the spec field for errors.</summary>
public sealed record CatalogNeed(QualifiedName Table, string? Column, string Field = "table")
{
    /// <summary>
    /// Created only in Contract (a rename): the name does not exist while the migration's earlier phases run, so a later
    /// operation of the same migration cannot work on it.
    /// </summary>
    public bool OnlyFromContract { get; init; }
}

/// <summary>
/// What an operation's planner may read: its position in the migration, the live columns of the tables it needs, which
/// of them are partitioned, and the migration's other operations (a normalization drops its trigger only when the same
/// migration drops the legacy column).
/// </summary>
public sealed record OperationPlanContext(int Ordinal, IReadOnlyDictionary<QualifiedName, IReadOnlyList<CatalogColumn>> LiveColumns)
{
    /// <summary>The migration's tables the catalog says are partitioned (relkind 'p').</summary>
    public IReadOnlyDictionary<QualifiedName, PartitionedTable> Partitioned { get; init; } = new Dictionary<QualifiedName, PartitionedTable>();

    /// <summary>Every operation of the migration, in file order.</summary>
    public IReadOnlyList<Spec.SpecOperation> Operations { get; init; } = [];

    /// <summary>Steps the operations before this one planned (raw_sql's step key counts them, as journals before units did).</summary>
    public int StepsBefore { get; init; }

    /// <summary>A step key unique in the migration: phase, operation ordinal, then what the step does.</summary>
    public string Key(MigrationPhase phase, string what) =>
        $"{phase.ToString().ToLowerInvariant()}.{Ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture)}.{what}";

    public IReadOnlyList<CatalogColumn> Columns(QualifiedName table) => LiveColumns.GetValueOrDefault(table) ?? [];
}
