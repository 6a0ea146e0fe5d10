using Switchyard.Core.Execution;
using Switchyard.Core.Journal;

namespace Switchyard.Core.Backfill.Bench;

/// <summary>The foreground latency a bench side ran under (<c>--with-load</c>).</summary>
public sealed record BenchForeground(double OperationsPerSecond, double BaselineP99Ms, double DuringP99Ms);

/// <summary>
/// Keeps each <c>bench backfill</c> in the journal of the database the command was pointed at
/// (<c>switchyard.backfill_bench_runs</c>), so the runbook can estimate from it when the table was never backfilled.
/// </summary>
public static class BackfillBenchRecord
{
    private const string CreateTable = """
        CREATE TABLE IF NOT EXISTS switchyard.backfill_bench_runs (
            id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            table_name           text NOT NULL,
            expand_spec          text NOT NULL,
            rows                 bigint NOT NULL,
            workers              int NOT NULL,
            switchyard_seconds   double precision NOT NULL,
            naive_seconds        double precision NOT NULL,
            loop_seconds         double precision NOT NULL,
            load_tps             double precision,
            baseline_p99_ms      double precision,
            during_p99_ms        double precision,
            switchyard_wal_bytes_per_row double precision,
            at                   timestamptz NOT NULL DEFAULT clock_timestamp()
        )
        """;

    /// <summary>Tables made before WAL per row was recorded get the column (the runbook's scale estimate reads it).</summary>
    private const string AddWalColumn = "ALTER TABLE switchyard.backfill_bench_runs ADD COLUMN IF NOT EXISTS switchyard_wal_bytes_per_row double precision";

    /// <summary>Appends the run (Switchyard's side and its foreground figures, when measured).</summary>
    public static async Task RecordAsync(SafeSqlRunner sql, BackfillBenchResult result, BenchForeground? foreground, CancellationToken ct)
    {
        await JournalSchema.EnsureAsync(sql, ct).ConfigureAwait(false);
        await sql.ExecuteDdlAsync(new DdlStatement(CreateTable, []), ct).ConfigureAwait(false);
        await sql.ExecuteDdlAsync(new DdlStatement(AddWalColumn, []), ct).ConfigureAwait(false);
        await sql.ExecuteAsync("""
            INSERT INTO switchyard.backfill_bench_runs (table_name, expand_spec, rows, workers, switchyard_seconds, naive_seconds, loop_seconds, load_tps, baseline_p99_ms, during_p99_ms, switchyard_wal_bytes_per_row)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            """, ct, result.Table, result.ExpandSpec, result.Rows, result.Workers, result.Switchyard.Seconds, result.Naive.Seconds, result.Loop.Seconds,
            foreground?.OperationsPerSecond, foreground?.BaselineP99Ms, foreground?.DuringP99Ms, result.Switchyard.Footprint.WalBytesPerRow).ConfigureAwait(false);
    }
}
