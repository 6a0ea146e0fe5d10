using Switchyard.Core.Execution;
using Switchyard.Core.Journal;

namespace Switchyard.Core.Backfill;

/// <summary>
/// The backfill's own journal tables (created idempotently before use): one row per run, one per worker range holding
/// the cursor that commits with each batch, and an append-only log of committed batches.
/// </summary>
public static class BackfillSchema
{
    private static readonly string[] Statements =
    [
        """
        CREATE TABLE IF NOT EXISTS switchyard.backfill_runs (
            migration      text PRIMARY KEY,
            table_name     text NOT NULL,
            min_key        bigint NOT NULL,
            max_key        bigint NOT NULL,
            rows_estimated bigint NOT NULL,
            workers        int NOT NULL,
            run_no         int NOT NULL DEFAULT 1,
            state          text NOT NULL DEFAULT 'running',
            reason         text,
            started_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
            resumed_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
            rows_at_resume bigint NOT NULL DEFAULT 0,
            keys_at_resume bigint NOT NULL DEFAULT 0,
            finished_at    timestamptz,
            updated_at     timestamptz NOT NULL DEFAULT clock_timestamp()
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS switchyard.backfill_ranges (
            migration    text NOT NULL REFERENCES switchyard.backfill_runs(migration) ON DELETE CASCADE,
            range_no     int NOT NULL,
            from_key     bigint NOT NULL,
            to_key       bigint NOT NULL,
            next_key     bigint NOT NULL,
            done         boolean NOT NULL DEFAULT false,
            rows_updated bigint NOT NULL DEFAULT 0,
            batches      bigint NOT NULL DEFAULT 0,
            batch_keys   bigint NOT NULL DEFAULT 0,
            state        text NOT NULL DEFAULT 'pending',
            updated_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
            PRIMARY KEY (migration, range_no),
            CHECK (from_key <= next_key AND next_key <= to_key)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS switchyard.backfill_batches (
            id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            migration    text NOT NULL,
            range_no     int NOT NULL,
            run_no       int NOT NULL,
            from_key     bigint NOT NULL,
            to_key       bigint NOT NULL,
            lead_from    bigint NOT NULL,
            lead_to      bigint NOT NULL,
            rows_updated bigint NOT NULL,
            at           timestamptz NOT NULL DEFAULT clock_timestamp()
        )
        """,
        // A range of a partitioned table walks one leaf partition (journals from before this column: the parent).
        "ALTER TABLE switchyard.backfill_ranges ADD COLUMN IF NOT EXISTS partition_schema text",
        "ALTER TABLE switchyard.backfill_ranges ADD COLUMN IF NOT EXISTS partition_name text",
        "CREATE INDEX IF NOT EXISTS backfill_batches_migration_idx ON switchyard.backfill_batches (migration, range_no, from_key)",
    ];

    /// <summary>Creates the journal and the backfill tables when missing.</summary>
    public static async Task EnsureAsync(SafeSqlRunner sql, CancellationToken ct)
    {
        await JournalSchema.EnsureAsync(sql, ct).ConfigureAwait(false);
        foreach (var statement in Statements)
            await sql.ExecuteDdlAsync(new DdlStatement(statement, []), ct).ConfigureAwait(false);
    }
}
