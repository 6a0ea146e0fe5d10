using System.Text.Json;
using Switchyard.Core.Execution;
using Switchyard.Core.Journal;

namespace Switchyard.Core.Validation;

/// <summary>
/// Stores a suite run as evidence in the journal: one row per check in <c>switchyard.validation_results</c> (its own
/// idempotent table; re-storing the same run changes nothing) and one <c>validation</c> row in <c>switchyard.events</c>.
/// </summary>
public static class ValidationEvidence
{
    private const string CreateTable = """
        CREATE TABLE IF NOT EXISTS switchyard.validation_results (
            run_id        uuid NOT NULL,
            check_name    text NOT NULL,
            target_table  text NOT NULL,
            shape         text NOT NULL,
            outcome       text NOT NULL CHECK (outcome IN ('passed', 'failed', 'not_applicable')),
            rows_examined bigint NOT NULL,
            failures      bigint NOT NULL,
            threshold     bigint NOT NULL,
            sample_keys   text[] NOT NULL,
            seconds       double precision NOT NULL,
            detail        text NOT NULL,
            findings      jsonb NOT NULL,
            migration_id  bigint REFERENCES switchyard.migrations(id),
            recorded_at   timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (run_id, check_name)
        )
        """;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static async Task EnsureAsync(SafeSqlRunner sql, CancellationToken ct)
    {
        await JournalSchema.EnsureAsync(sql, ct).ConfigureAwait(false);
        await sql.ExecuteDdlAsync(new DdlStatement(CreateTable, []), ct).ConfigureAwait(false);
    }

    /// <summary>Writes the run's results and its event in one transaction; <paramref name="migrationId"/> links them to a migration when known.</summary>
    public static async Task StoreAsync(SafeSqlRunner sql, ValidationReport report, long? migrationId, CancellationToken ct)
    {
        await EnsureAsync(sql, ct).ConfigureAwait(false);
        await sql.InTransactionAsync(async (c, tx, token) =>
        {
            foreach (var r in report.Results)
            {
                await using var insert = SafeSqlRunner.Command("""
                    INSERT INTO switchyard.validation_results
                        (run_id, check_name, target_table, shape, outcome, rows_examined, failures, threshold, sample_keys, seconds, detail, findings, migration_id)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13)
                    ON CONFLICT (run_id, check_name) DO NOTHING
                    """, c, tx, report.RunId, r.Check, report.Table, ShapeName(report.Shape), OutcomeName(r.Outcome), r.RowsExamined, r.Failures, r.Threshold,
                    r.SampleKeys.ToArray(), r.Duration.TotalSeconds, r.Detail, JsonSerializer.Serialize(r.Findings.Take(200), Json), migrationId);
                if (await insert.ExecuteNonQueryAsync(token).ConfigureAwait(false) == 0) return 0;
            }
            var data = new
            {
                run_id = report.RunId,
                table = report.Table,
                shape = ShapeName(report.Shape),
                passed = report.Passed,
                failing_checks = report.FailingChecks,
                seq_scan_seconds = report.SeqScan?.TotalSeconds,
                checks = report.Results.ToDictionary(r => r.Check, r => new { outcome = OutcomeName(r.Outcome), r.RowsExamined, r.Failures, seconds = r.Duration.TotalSeconds }),
            };
            await using var ev = SafeSqlRunner.Command("""
                INSERT INTO switchyard.events (migration_id, os_user, kind, message, data) VALUES ($1, $2, 'validation', $3, $4::jsonb)
                """, c, tx, migrationId, Environment.UserName, report.Summary, JsonSerializer.Serialize(data, Json));
            return await ev.ExecuteNonQueryAsync(token).ConfigureAwait(false);
        }, ct, description: "store validation evidence").ConfigureAwait(false);
    }

    public static string OutcomeName(CheckOutcome outcome) => outcome switch
    {
        CheckOutcome.Passed => "passed",
        CheckOutcome.Failed => "failed",
        _ => "not_applicable",
    };

    public static string ShapeName(MigrationShape shape) => shape.ToString().ToLowerInvariant();
}
