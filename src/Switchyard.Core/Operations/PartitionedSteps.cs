using Switchyard.Core.Catalog;
using Switchyard.Core.Spec;

namespace Switchyard.Core.Operations;

/// <summary>What the operations that build per partition (an index, a foreign key) share about partitioned tables.</summary>
internal static class PartitionedSteps
{
    /// <summary>
    /// Refuses a table with a partition that is itself partitioned: the per-partition steps work on leaf partitions one
    /// level down, and a sub-partitioned one would need its own CONCURRENTLY build per leaf and attach per level.
    /// </summary>
    /// <param name="what">e.g. "create_index on public.ledger".</param>
    /// <param name="cannot">What Switchyard does not do online there yet, e.g. "index".</param>
    public static void RefuseSubPartitioned(PartitionedTable table, SpecLocation at, string what, string cannot, string hint)
    {
        if (table.SubPartitioned.Count > 0)
            throw new SpecException(at, $"{what}: partition {table.SubPartitioned[0]} is itself partitioned, which Switchyard does not {cannot} online yet.", hint);
    }
}
