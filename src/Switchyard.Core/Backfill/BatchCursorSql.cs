namespace Switchyard.Core.Backfill;

/// <summary>The part of every batch statement after its UPDATE: advance the range cursor to $2 and log the batch.</summary>
internal static class BatchCursorSql
{
    /// <summary>
    /// <paramref name="update"/> is the CTE <c>b</c>: an UPDATE … RETURNING 1 of the batch's rows;
    /// <paramref name="earlierRows"/> is SQL for the rows earlier statements of the same transaction updated.
    /// </summary>
    public static string Around(string update, string earlierRows = "0") => $"""
        WITH b AS (
        {update}
        ), n AS (SELECT count(*) + {earlierRows} AS rows FROM b),
        r AS (
            UPDATE switchyard.backfill_ranges g
            SET next_key = $2, done = ($2 >= g.to_key), rows_updated = g.rows_updated + n.rows, batches = g.batches + 1,
                batch_keys = greatest($2 - $1, $7 - $6), state = CASE WHEN $2 >= g.to_key THEN 'done' ELSE 'running' END, updated_at = clock_timestamp()
            FROM n WHERE g.migration = $3 AND g.range_no = $4 AND g.next_key = $1
            RETURNING n.rows
        ), l AS (
            INSERT INTO switchyard.backfill_batches (migration, range_no, run_no, from_key, to_key, lead_from, lead_to, rows_updated)
            SELECT $3, $4, $5, $1, $2, $6, $7, n.rows FROM n
        )
        SELECT rows FROM r
        """;
}
