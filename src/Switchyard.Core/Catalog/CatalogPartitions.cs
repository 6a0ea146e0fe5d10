using Switchyard.Core.Execution;

namespace Switchyard.Core.Catalog;

/// <summary>A range/list/hash-partitioned table (relkind 'p') and its direct partitions, in name order.</summary>
/// <param name="SubPartitioned">Partitions that are themselves partitioned (the planner refuses those).</param>
/// <param name="KeyColumns">The partition key's columns (empty when the key is an expression).</param>
public sealed record PartitionedTable(QualifiedName Table, IReadOnlyList<QualifiedName> Partitions, IReadOnlyList<QualifiedName> SubPartitioned, IReadOnlyList<string> KeyColumns);

/// <summary>Reads from the catalog which tables are partitioned, so the planner builds typed per-partition steps.</summary>
public static class CatalogPartitions
{
    public static async Task<IReadOnlyDictionary<QualifiedName, PartitionedTable>> ReadAsync(SafeSqlRunner sql, IEnumerable<QualifiedName> tables, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var result = new Dictionary<QualifiedName, PartitionedTable>();
        foreach (var table in tables.Distinct())
        {
            var partitioned = await sql.ScalarAsync<bool>("SELECT coalesce((SELECT relkind = 'p' FROM pg_class WHERE oid = to_regclass($1)), false)", ct, table.RegclassText).ConfigureAwait(false);
            if (!partitioned) continue;
            var children = await sql.QueryAsync("""
                SELECT n.nspname, c.relname, c.relkind = 'p'
                FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE i.inhparent = to_regclass($1)
                ORDER BY c.relname
                """, r => (Name: new QualifiedName(r.GetString(0), r.GetString(1)), Partitioned: r.GetBoolean(2)), ct, table.RegclassText).ConfigureAwait(false);
            var key = await sql.QueryAsync("""
                SELECT a.attname
                FROM pg_partitioned_table p CROSS JOIN LATERAL unnest(p.partattrs::int2[]) WITH ORDINALITY k(attnum, ord)
                JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = k.attnum
                WHERE p.partrelid = to_regclass($1)
                ORDER BY k.ord
                """, r => r.GetString(0), ct, table.RegclassText).ConfigureAwait(false);
            result[table] = new PartitionedTable(table, [.. children.Select(c => c.Name)], [.. children.Where(c => c.Partitioned).Select(c => c.Name)], key);
        }
        return result;
    }
}
