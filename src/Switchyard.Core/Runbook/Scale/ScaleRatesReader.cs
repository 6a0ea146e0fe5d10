using System.Globalization;
using Switchyard.Core.Execution;
using Switchyard.Core.Journal;
using Switchyard.Core.Planning;

namespace Switchyard.Core.Runbook.Scale;

/// <summary>
/// Gathers the scale estimate's inputs from what Switchyard recorded about this table: index build time from the
/// journal's step start/finish times, validation scan rate from <c>switchyard.validation_results</c>, WAL bytes per
/// row from the last <c>bench backfill</c>, replica apply rate from <c>pg_stat_replication</c>; the operator's figures
/// win, documented defaults fill the rest. Every figure carries its source.
/// </summary>
public static class ScaleRatesReader
{
    /// <summary>The last concurrent index build Switchyard ran on this table, and how long it took.</summary>
    private const string LastIndexBuildSql = $"""
        SELECT s.step_key, m.name, extract(epoch FROM s.finished_at - s.started_at)::float8, s.finished_at
        FROM switchyard.steps s JOIN switchyard.migrations m ON m.id = s.migration_id
        WHERE m.target_table = $1 AND s.status = '{StepStatuses.Done}' AND s.started_at IS NOT NULL AND s.finished_at IS NOT NULL
          AND s.sql ILIKE '%INDEX%CONCURRENTLY%'
        ORDER BY s.finished_at DESC
        LIMIT 1
        """;

    /// <summary>Rows examined over seconds of the table's last validation run (checks that read something).</summary>
    private const string LastValidationSql = """
        SELECT sum(v.rows_examined)::float8, sum(v.seconds), max(v.recorded_at), count(*)
        FROM switchyard.validation_results v
        WHERE v.run_id = (SELECT run_id FROM switchyard.validation_results WHERE target_table = $1 ORDER BY recorded_at DESC LIMIT 1)
          AND v.outcome <> 'not_applicable' AND v.rows_examined > 0 AND v.seconds > 0
        """;

    private const string LastBenchWalSql = """
        SELECT switchyard_wal_bytes_per_row, rows, at FROM switchyard.backfill_bench_runs
        WHERE table_name = $1 AND switchyard_wal_bytes_per_row > 0
        ORDER BY at DESC
        LIMIT 1
        """;

    public static async Task<ScaleInputs> ReadAsync(SafeSqlRunner sql, MigrationPlan plan, RunbookTableSize size, BackfillRateSource backfill, ScaleOverrides given, CancellationToken ct)
    {
        var table = plan.TargetTable.ToString();
        var bytesPerRow = size.Rows is > 0 && size.Bytes > 0
            ? new ScaleFigure((double)size.Bytes / size.Rows.Value, Text($"measured: {size.Bytes / 1e6:N1} MB over ~{size.Rows:N0} rows in the planner statistics of {table}"))
            : ScaleFigure.Default(ScaleDefaults.BytesPerRow, $"{table} was never analyzed");
        return new ScaleInputs
        {
            Rows = given.Rows,
            Shards = given.Shards,
            BackfillRowsPerSecond = new ScaleFigure(backfill.RowsPerSecond, backfill.Detail, backfill.Origin != BackfillRateOrigin.Default),
            IndexBuildMBPerSecond = await IndexBuildAsync(sql, table, size, ct).ConfigureAwait(false),
            ScanRowsPerSecond = await ScanAsync(sql, table, ct).ConfigureAwait(false),
            BytesPerRow = bytesPerRow,
            WalBytesPerRow = given.WalBytesPerRow is { } w
                ? new ScaleFigure(w, "given by the operator (--wal-bytes-per-row)")
                : await WalPerRowAsync(sql, table, ct).ConfigureAwait(false),
            ReplicaApplyMBPerSecond = given.ReplicaApplyMBPerSecond is { } a
                ? new ScaleFigure(a, "given by the operator (--replica-apply-mb-per-second)")
                : await ReplicaApplyReader.ReadAsync(sql, ct).ConfigureAwait(false),
            IoMBPerSecond = given.IoMBPerSecond is { } io
                ? new ScaleFigure(io, "given by the operator (--io-mb-per-second)")
                : ScaleFigure.Default(ScaleDefaults.IoMBPerSecond, "disk bandwidth is not measured; pass --io-mb-per-second"),
            LagThresholdSeconds = given.LagThresholdSeconds,
            Phases = [.. plan.Phases.Select(p => new ScalePhaseWork(p.Phase.ToString(),
                p.Steps.Count(s => StepWork.Of(s) == StepWorkKind.Backfill),
                p.Steps.Count(s => StepWork.Of(s) == StepWorkKind.IndexBuild),
                p.Steps.Count(s => StepWork.Of(s) == StepWorkKind.Scan),
                p.Phase == MigrationPhase.Cutover))],
        };
    }

    /// <summary>Table MB over the build's seconds: assumes the table was about its present size when the index was built.</summary>
    private static async Task<ScaleFigure> IndexBuildAsync(SafeSqlRunner sql, string table, RunbookTableSize size, CancellationToken ct)
    {
        if (size.Bytes > 0 && await ExistsAsync(sql, "switchyard.steps", ct).ConfigureAwait(false))
        {
            var builds = await sql.QueryAsync(LastIndexBuildSql, r => (Step: r.GetString(0), Migration: r.GetString(1), Seconds: r.GetDouble(2), At: r.GetFieldValue<DateTimeOffset>(3)), ct, table).ConfigureAwait(false);
            if (builds is [var b] && b.Seconds > 0)
                return new ScaleFigure(size.Bytes / ScaleDefaults.BytesPerMB / b.Seconds, Text(
                    $"measured: step {b.Step} of migration {b.Migration} built its index in {b.Seconds:N1} s ({b.At.UtcDateTime:yyyy-MM-dd HH:mm} UTC) over {table}'s present {size.Bytes / 1e6:N1} MB"));
        }
        return ScaleFigure.Default(ScaleDefaults.IndexBuildMBPerSecond, "Switchyard has not built an index on this table yet");
    }

    private static async Task<ScaleFigure> ScanAsync(SafeSqlRunner sql, string table, CancellationToken ct)
    {
        if (await ExistsAsync(sql, "switchyard.validation_results", ct).ConfigureAwait(false))
        {
            var runs = await sql.QueryAsync(LastValidationSql, r => (Rows: r.IsDBNull(0) ? 0 : r.GetDouble(0), Seconds: r.IsDBNull(1) ? 0 : r.GetDouble(1),
                At: r.IsDBNull(2) ? (DateTimeOffset?)null : r.GetFieldValue<DateTimeOffset>(2), Checks: r.GetInt64(3)), ct, table).ConfigureAwait(false);
            if (runs is [var v] && v.Rows > 0 && v.Seconds > 0)
                return new ScaleFigure(v.Rows / v.Seconds, Text(
                    $"measured: the last validation run of {table} ({v.Checks} checks read {v.Rows:N0} rows in {v.Seconds:N2} s, {v.At!.Value.UtcDateTime:yyyy-MM-dd HH:mm} UTC)"));
        }
        return ScaleFigure.Default(new RunbookRates().ScanRowsPerSecond, "no validation run of this table in switchyard.validation_results");
    }

    private static async Task<ScaleFigure> WalPerRowAsync(SafeSqlRunner sql, string table, CancellationToken ct)
    {
        if (await sql.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = $2 AND NOT attisdropped)",
                ct, "switchyard.backfill_bench_runs", "switchyard_wal_bytes_per_row").ConfigureAwait(false))
        {
            var benches = await sql.QueryAsync(LastBenchWalSql, r => (Wal: r.GetDouble(0), Rows: r.GetInt64(1), At: r.GetFieldValue<DateTimeOffset>(2)), ct, table).ConfigureAwait(false);
            if (benches is [var b])
                return new ScaleFigure(b.Wal, Text($"measured by the last recorded backfill benchmark of {table} ({b.Rows:N0} rows, {b.At.UtcDateTime:yyyy-MM-dd HH:mm} UTC)"));
        }
        return ScaleFigure.Default(ScaleDefaults.WalBytesPerRow, "no `bench backfill` of this table recorded its WAL; pass --wal-bytes-per-row");
    }

    private static async Task<bool> ExistsAsync(SafeSqlRunner sql, string relation, CancellationToken ct) =>
        await sql.ScalarAsync<bool>("SELECT to_regclass($1) IS NOT NULL", ct, relation).ConfigureAwait(false);

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
