using Switchyard.Core.Catalog;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Planning;

/// <summary>
/// Keeps a partitioned table's partitions fixed while it is migrated. An attached table never had its rows
/// dual-written or backfilled, and a detached or dropped partition takes its rows, its backfill cursor and its cloned
/// trigger away: both would leave a half-migrated table. So Expand registers the table in
/// <c>switchyard.partition_guards</c> (the table is a bound parameter) and installs one event trigger that refuses any
/// DDL changing a guarded table's partitions, except <c>CREATE TABLE … PARTITION OF</c>: a new partition inherits the
/// dual-write trigger and ends in the final shape. The migration's last step releases the table.
/// </summary>
/// <remarks>
/// <c>DETACH PARTITION … CONCURRENTLY</c> commits its first transaction before any event trigger runs, so it is
/// refused only in its second one and leaves the partition "detach pending" (PostgreSQL has no way back from there).
/// Creating an event trigger needs a superuser (or a cloud provider's equivalent role).
/// </remarks>
internal static class PartitionGuardSteps
{
    public const string EventTrigger = "switchyard_partition_guard";

    private const string ReleaseSql = "DELETE FROM switchyard.partition_guards WHERE parent = to_regclass($1)";

    public static IEnumerable<PlanStep> Expand(string migration, PartitionedTable table)
    {
        var t = table.Table;
        var k = $"expand.{t.Name}.partition_guard";
        yield return MigrationPlanner.Step($"{k}.event_trigger", MigrationPhase.Expand,
            $"Install event trigger {EventTrigger}: refuses ATTACH, DETACH and DROP of a guarded table's partitions (needs a superuser; shared by every migration)",
            new DdlStatement($"CREATE EVENT TRIGGER {Ident.Quote(EventTrigger)} ON ddl_command_end EXECUTE FUNCTION switchyard.refuse_partition_changes()", []),
            MigrationPlanner.Nothing("Nothing: shared by every migration, and inert for a table without a guard row."),
            CatalogProbes.EventTriggerExists(EventTrigger));
        yield return MigrationPlanner.Step(k, MigrationPhase.Expand,
            $"Guard the partitions of {t} ({table.Partitions.Count} now): attaching, detaching or dropping one is refused until the migration ends; new partitions are allowed",
            new DdlStatement("""
                INSERT INTO switchyard.partition_guards (parent, migration, partitions)
                VALUES (to_regclass($1), $2, ARRAY(SELECT inhrelid FROM pg_inherits WHERE inhparent = to_regclass($1) ORDER BY inhrelid))
                ON CONFLICT (parent) DO UPDATE SET migration = EXCLUDED.migration, partitions = EXCLUDED.partitions, guarded_at = now()
                """, [], Parameters: [t.RegclassText, migration]),
            MigrationPlanner.Undo($"Release the partitions of {t}", new DdlStatement(ReleaseSql, [], Parameters: [t.RegclassText])));
    }

    /// <summary>The last step of the migration's last phase (Contract, or Validate for an index-only migration).</summary>
    public static PlanStep Release(PartitionedTable table, MigrationPhase last) =>
        MigrationPlanner.Step($"{last.ToString().ToLowerInvariant()}.{table.Table.Name}.partition_guard.release", last,
            $"Release the partitions of {table.Table}: attaching, detaching and dropping partitions work again",
            new DdlStatement(ReleaseSql, [], Parameters: [table.Table.RegclassText]),
            MigrationPlanner.Nothing("Nothing: the migration is over."));
}
