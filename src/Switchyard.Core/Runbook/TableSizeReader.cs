using Switchyard.Core.Execution;

namespace Switchyard.Core.Runbook;

/// <summary>Reads a table's planner statistics (no scan): the runbook's durations scale with them.</summary>
public static class TableSizeReader
{
    public static async Task<RunbookTableSize> ReadAsync(SafeSqlRunner sql, QualifiedName table, CancellationToken ct)
    {
        var rows = await sql.QueryAsync(
            "SELECT reltuples::bigint, relpages::bigint FROM pg_class WHERE oid = to_regclass($1)",
            r => (Tuples: r.GetInt64(0), Pages: r.GetInt64(1)), ct, table.RegclassText).ConfigureAwait(false);
        if (rows.Count == 0) return new RunbookTableSize(table.ToString(), null, 0);
        var (tuples, pages) = rows[0];
        // reltuples is -1 until the first VACUUM/ANALYZE: unknown, not empty.
        return new RunbookTableSize(table.ToString(), tuples < 0 ? null : tuples, pages);
    }
}
