using Switchyard.Core.Catalog;
using Switchyard.Core.Execution;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;

namespace Switchyard.Core.Operations.CreateIndex;

/// <summary>
/// <c>create_index</c> on a partitioned table, online. PostgreSQL 15 refuses <c>CREATE INDEX CONCURRENTLY</c> on a
/// partitioned parent, and a plain one holds SHARE on every partition for the whole build. So: build each
/// partition's index CONCURRENTLY, create the parent index <c>ON ONLY</c> (invalid, catalog-only), then attach each
/// partition's index; the parent index turns valid when the last one is attached. Every piece is its own typed step
/// with its own probes, so a re-run skips what is attached and repairs an INVALID partition index.
/// </summary>
internal static class PartitionedIndexSteps
{
    public static IEnumerable<PlanStep> Build(CreateIndexOperation i, PartitionedTable table)
    {
        PartitionedSteps.RefuseSubPartitioned(table, i.Location, $"create_index on {i.Table}", "index",
            "Index each sub-partitioned partition with its own create_index, or create the index on the leaf partitions first.");
        // PostgreSQL enforces uniqueness per partition only, so it requires the partition key in a unique index; refuse
        // here rather than after every partition's index is built.
        if (i.Unique && table.KeyColumns.Except(i.Columns).FirstOrDefault() is { } missing)
        {
            throw new SpecException(i.Location, $"create_index {i.Name} is unique on partitioned {i.Table} but lacks partition key column {missing}: PostgreSQL cannot enforce it across partitions.",
                $"Add {string.Join(", ", table.KeyColumns)} to its columns, or drop `unique: true`.");
        }
        var parent = new QualifiedName(i.Table.Schema, i.Name);
        var columns = string.Join(", ", i.Columns.Select(Ident.Quote));
        var unique = i.Unique ? "UNIQUE " : "";
        var k = $"validate.{i.Table.Name}.{i.Name}";
        var children = table.Partitions.Select(p => (Partition: p, Index: PartitionIndex(p, i.Name))).ToList();

        // Built first, so rollback (which runs backwards) drops the parent index, taking attached ones with it, before
        // dropping CONCURRENTLY whatever was built but never attached.
        foreach (var (partition, index) in children)
        {
            var drop = $"DROP INDEX CONCURRENTLY IF EXISTS {index.Sql}";
            yield return MigrationPlanner.Step($"{k}.{partition.Name}.build", MigrationPhase.Validate,
                $"Build index {index.Name} on partition {partition} CONCURRENTLY (reads and writes continue)",
                MigrationPlanner.Ddl($"CREATE {unique}INDEX CONCURRENTLY IF NOT EXISTS {Ident.Quote(index.Name)} ON {partition.Sql} ({columns})",
                    partition, LockMode.ShareUpdateExclusive, concurrently: true, repair: drop),
                MigrationPlanner.Undo($"Drop index {index.Name} CONCURRENTLY (gone already if it was attached)", MigrationPlanner.Ddl(drop, partition, LockMode.ShareUpdateExclusive, concurrently: true)),
                CatalogProbes.IndexValid(index), CatalogProbes.IndexInvalid(index), StepTraits.IndexBuild);
        }
        yield return MigrationPlanner.Step($"{k}.parent", MigrationPhase.Validate,
            $"Create index {i.Name} ON ONLY {i.Table} (invalid until every partition's index is attached; catalog-only, brief SHARE on the parent alone)",
            MigrationPlanner.Ddl($"CREATE {unique}INDEX IF NOT EXISTS {Ident.Quote(i.Name)} ON ONLY {i.Table.Sql} ({columns})", i.Table, LockMode.Share),
            // PostgreSQL cannot drop a partitioned index CONCURRENTLY; dropping it is catalog-only but takes
            // ACCESS EXCLUSIVE on the parent and every partition briefly (under the runner's lock_timeout).
            MigrationPlanner.Undo($"Drop index {i.Name} and the partition indexes attached to it (catalog-only, brief ACCESS EXCLUSIVE)",
                new DdlStatement($"DROP INDEX IF EXISTS {parent.Sql}", [new TableLock(i.Table, LockMode.AccessExclusive), .. table.Partitions.Select(p => new TableLock(p, LockMode.AccessExclusive))])),
            CatalogProbes.RelationExists(parent));
        foreach (var (partition, index) in children)
        {
            yield return MigrationPlanner.Step($"{k}.{partition.Name}.attach", MigrationPhase.Validate,
                $"Attach {index.Name} to {i.Name} (catalog-only; no lock that blocks writes on {partition})",
                MigrationPlanner.Ddl($"ALTER INDEX {parent.Sql} ATTACH PARTITION {index.Sql}", partition, LockMode.AccessShare),
                MigrationPlanner.Nothing($"Nothing: dropping {i.Name} drops the attached index."),
                CatalogProbes.IndexAttached(parent, index));
        }
    }

    /// <summary>The partition's index name: <c>{partition}_{index}</c>, fitted to 63 bytes with a hash when longer.</summary>
    public static QualifiedName PartitionIndex(QualifiedName partition, string index) =>
        new(partition.Schema, Ident.Fit($"{partition.Name}_{index}", partition.ToString()));
}
