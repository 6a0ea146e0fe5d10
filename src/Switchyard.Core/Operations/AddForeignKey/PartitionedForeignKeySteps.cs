using Switchyard.Core.Catalog;
using Switchyard.Core.Execution;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;

namespace Switchyard.Core.Operations.AddForeignKey;

/// <summary>
/// <c>add_foreign_key</c> from a partitioned table. PostgreSQL 15 refuses <c>ADD CONSTRAINT … FOREIGN KEY … NOT VALID</c>
/// on a partitioned table (and <c>ONLY</c> for one), and a plain ADD scans every partition under SHARE ROW EXCLUSIVE,
/// blocking writes for the whole scan. So: add the constraint NOT VALID on each partition, VALIDATE each (SHARE UPDATE
/// EXCLUSIVE: writes continue), then add it on the parent, which adopts the validated partition constraints of the
/// same definition without scanning again (catalog-only, brief locks).
/// </summary>
internal static class PartitionedForeignKeySteps
{
    public static IEnumerable<PlanStep> Build(AddForeignKeyOperation f, PartitionedTable table)
    {
        PartitionedSteps.RefuseSubPartitioned(table, f.Location, $"add_foreign_key on {f.Table}", "constrain",
            "Add the foreign key on each sub-partitioned partition's leaves first, or split the operation per partition.");
        var definition = $"FOREIGN KEY ({Ident.Quote(f.Column)}) REFERENCES {f.References.Sql} ({Ident.Quote(f.ReferencedColumn)})";
        var name = Ident.Quote(f.Name);
        foreach (var partition in table.Partitions)
        {
            yield return MigrationPlanner.Step($"expand.{f.Table.Name}.{f.Name}.{partition.Name}", MigrationPhase.Expand,
                $"Add foreign key {f.Name} NOT VALID on partition {partition} (checks new rows only; no scan)",
                new DdlStatement($"ALTER TABLE {partition.Sql} ADD CONSTRAINT {name} {definition} NOT VALID",
                    [new TableLock(partition, LockMode.ShareRowExclusive), new TableLock(f.References, LockMode.ShareRowExclusive)]),
                MigrationPlanner.Undo($"Drop constraint {f.Name} on {partition} (gone already once the parent's was dropped)",
                    MigrationPlanner.Ddl($"ALTER TABLE {partition.Sql} DROP CONSTRAINT IF EXISTS {name}", partition, LockMode.AccessExclusive)),
                CatalogProbes.ConstraintExists(partition, f.Name));
        }
        foreach (var partition in table.Partitions)
        {
            yield return MigrationPlanner.Step($"validate.{f.Table.Name}.{f.Name}.{partition.Name}", MigrationPhase.Validate,
                $"Validate foreign key {f.Name} on partition {partition} (scans under SHARE UPDATE EXCLUSIVE: reads and writes continue)",
                new DdlStatement($"ALTER TABLE {partition.Sql} VALIDATE CONSTRAINT {name}",
                    [new TableLock(partition, LockMode.ShareUpdateExclusive), new TableLock(f.References, LockMode.RowShare)]),
                MigrationPlanner.Nothing("Nothing: a validated constraint stays; Expand's rollback drops it."),
                CatalogProbes.ConstraintValidated(partition, f.Name), traits: StepTraits.Scans);
        }
        // The parent's ADD adopts the partitions' validated constraints (no scan). It drops their now-redundant action
        // triggers on the referenced table, hence the brief ACCESS EXCLUSIVE there.
        yield return MigrationPlanner.Step($"validate.{f.Table.Name}.{f.Name}.parent", MigrationPhase.Validate,
            $"Add foreign key {f.Name} on {f.Table}, adopting the validated partition constraints (catalog-only, no scan, brief locks)",
            new DdlStatement($"ALTER TABLE {f.Table.Sql} ADD CONSTRAINT {name} {definition}",
                [new TableLock(f.Table, LockMode.ShareRowExclusive), .. table.Partitions.Select(p => new TableLock(p, LockMode.ShareRowExclusive)), new TableLock(f.References, LockMode.AccessExclusive)]),
            MigrationPlanner.Undo($"Drop constraint {f.Name} on {f.Table} and the partition constraints it adopted",
                new DdlStatement($"ALTER TABLE {f.Table.Sql} DROP CONSTRAINT IF EXISTS {name}",
                    [new TableLock(f.Table, LockMode.AccessExclusive), .. table.Partitions.Select(p => new TableLock(p, LockMode.AccessExclusive))])),
            CatalogProbes.ConstraintValidated(f.Table, f.Name));
    }
}
