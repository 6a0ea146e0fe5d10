using System.CommandLine;
using System.Globalization;
using Switchyard.Cli.Options;
using Switchyard.Cli.Output;
using Switchyard.Core;
using Switchyard.Core.Execution;
using Switchyard.Core.LocalPostgres;
using Switchyard.Core.Operations;
using Switchyard.Core.Operations.NormalizeColumn;
using Switchyard.Core.Spec;
using Switchyard.Core.Validation;

namespace Switchyard.Cli.Commands;

/// <summary><c>switchyard validate</c>: the SQL checks that gate every phase, stored as evidence in the journal.</summary>
internal static class ValidateCommands
{
    /// <summary>Exit code when the suite ran and at least one check failed (errors keep their own codes).</summary>
    public const int ChecksFailed = 3;

    public static Command Build()
    {
        var validate = new Command("validate", "Prove no row, cent or report line changed: completeness, mismatch, orphans, counts, reconciliation, downstream report, sampling, catalog.");
        var checks = CliOptions.ListOf("--checks", $"Comma-separated checks to run (default: all): {string.Join(", ", ValidationSuite.AllChecks.Select(c => c.Name))}.", [.. ValidationSuite.AllChecks.Select(c => c.Name)]);
        var json = GlobalOptions.Json();
        var phase = CliOptions.Enum("--phase", "The phase the table has completed, which decides the catalog expectations.", MigrationShape.Backfilled);
        var spec = CliOptions.SpecFile("Migration spec (YAML) whose normalize_column operation to validate. Default: the spec of the newest migration in this database's journal that has one.");
        var recordBaseline = new Option<bool>("--record-baseline") { Description = "Record per-account row counts and Σ amounts now (before the backfill), for reconciliation to compare against; then exit." };
        var tuning = Tuning();
        validate.Options.Add(checks);
        validate.Options.Add(json);
        validate.Options.Add(phase);
        validate.Options.Add(recordBaseline);
        validate.Options.Add(spec);
        foreach (var o in tuning.All) validate.Options.Add(o);

        CommandAction.Set(validate, async (ctx, ct) =>
        {
            var names = ParseChecks(ctx.ParseResult.GetValue(checks));
            ValidationSuite.Select(names);
            // A named spec is read before connecting, so a bad file fails fast; otherwise the journal names it.
            var loaded = ctx.ParseResult.GetValue(spec) is { } path ? SpecLoader.LoadFile(path) : null;
            var target = await ctx.ConnectAsync(ct, LocalClusterOptions.DefaultDatabase).ConfigureAwait(false);
            var sql = ctx.Sql();
            loaded ??= SpecLoader.LoadFile(await JournaledSpec.NewestAsync(sql, target.Describe(), "validate", "with a normalize_column or a type change", HasProof, ct).ConfigureAwait(false));
            if (!HasNormalization(loaded))
            {
                if (names is not null || ctx.ParseResult.GetValue(recordBaseline))
                    throw new SwitchyardException($"--checks and --record-baseline belong to a normalize_column's suite, and migration '{loaded.Name}' has none.", "Drop them: validate runs the migration's row proofs.");
                return await ProveRowsAsync(sql, loaded, ctx.ParseResult.GetValue(phase), ctx.ParseResult.GetValue(json), target.Describe(), ct).ConfigureAwait(false);
            }
            var (normalization, settings, specOptions) = TargetOf(loaded);
            var options = tuning.Read(ctx.ParseResult, specOptions) with { Shape = ctx.ParseResult.GetValue(phase) };
            options.Validate();
            var suite = new ValidationSuite(sql, normalization, settings, options);
            if (ctx.ParseResult.GetValue(recordBaseline))
            {
                var scope = await suite.ScopeAsync(ct).ConfigureAwait(false);
                if (!scope.Facts.TableExists) throw new SwitchyardException($"{scope.Target.Table} does not exist in {target.Describe()}.", "Check --connection, or create the table the spec names first.");
                var groups = await ReconciliationBaseline.RecordAsync(scope, ct).ConfigureAwait(false);
                CliOutput.Plain($"baseline recorded: {groups} accounts, keys ≤ {scope.Facts.MaxKey} of {scope.Target.Table} in {target.Describe()}");
                return 0;
            }
            var report = await suite.RunAsync(names, measureSeqScan: ctx.ParseResult.GetValue(json), ct).ConfigureAwait(false);
            await ValidationEvidence.StoreAsync(sql, report, null, ct).ConfigureAwait(false);
            if (ctx.ParseResult.GetValue(json)) CliOutput.WriteJson(ToJson(report));
            else Print(report, target.Describe());
            return report.Passed ? 0 : ChecksFailed;
        });
        return validate;
    }

    /// <summary>The spec's normalize_column target and validation settings.</summary>
    internal static (NormalizationTarget Target, ReconciliationSettings Settings, ValidationOptions Options) TargetOf(string specPath) => TargetOf(SpecLoader.LoadFile(specPath));

    private static (NormalizationTarget Target, ReconciliationSettings Settings, ValidationOptions Options) TargetOf(MigrationSpec loaded)
    {
        var target = loaded.Operations.OfType<NormalizeColumnOperation>().FirstOrDefault()?.Target
            ?? throw new SwitchyardException($"{loaded.SourcePath ?? loaded.Name}: spec '{loaded.Name}' has no normalize_column operation, so there is nothing to validate.",
                "Name a spec with a normalize_column operation, e.g. --spec migrations/001-normalize-status.yaml.");
        return (target, ReconciliationSettings.For(loaded), ValidationOptions.For(loaded));
    }

    private static bool HasNormalization(MigrationSpec spec) => spec.Operations.OfType<NormalizeColumnOperation>().Any();

    private static bool HasProof(MigrationSpec spec) => HasNormalization(spec) || spec.Operations.OfType<UnitOperation>().Any(u => u.ProvesRows);

    /// <summary>The row proofs of a migration without a normalization, stored and printed like the suite's report.</summary>
    private static async Task<int> ProveRowsAsync(SafeSqlRunner sql, MigrationSpec spec, MigrationShape shape, bool asJson, string database, CancellationToken ct)
    {
        var (report, migrationId) = await RowProofValidation.RunAsync(sql, spec, shape, ct).ConfigureAwait(false);
        await ValidationEvidence.StoreAsync(sql, report, migrationId, ct).ConfigureAwait(false);
        if (asJson) CliOutput.WriteJson(ToJson(report));
        else Print(report, database);
        return report.Passed ? 0 : ChecksFailed;
    }

    internal static IReadOnlyCollection<string>? ParseChecks(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static void Print(ValidationReport report, string database)
    {
        CliOutput.Table($"Validation of {report.Table} ({ValidationEvidence.ShapeName(report.Shape)}) in {database}",
            ["check", "outcome", "rows examined", "failures", "sample failing keys", "duration"],
            report.Results.Select(r => (IReadOnlyList<string>)
            [
                r.Check,
                ValidationEvidence.OutcomeName(r.Outcome),
                r.Outcome == CheckOutcome.NotApplicable ? "-" : r.RowsExamined.ToString("N0", CultureInfo.InvariantCulture),
                r.Outcome == CheckOutcome.NotApplicable ? "-" : r.Failures.ToString("N0", CultureInfo.InvariantCulture) + (r.Threshold > 0 ? $" (≤ {r.Threshold})" : ""),
                string.Join(", ", r.SampleKeys),
                $"{r.Duration.TotalSeconds:F2} s",
            ]));
        foreach (var r in report.Results.Where(r => r.Outcome != CheckOutcome.Passed))
            CliOutput.Plain($"{r.Check}: {r.Detail}");
        CliOutput.Plain(report.Summary);
        CliOutput.Plain($"evidence: switchyard.validation_results run_id {report.RunId}");
    }

    internal static object ToJson(ValidationReport report)
    {
        var mismatch = report.Results.FirstOrDefault(r => r.Check == "mismatch" && r.Outcome != CheckOutcome.NotApplicable);
        return new
        {
            run_id = report.RunId,
            table = report.Table,
            shape = ValidationEvidence.ShapeName(report.Shape),
            passed = report.Passed,
            failing_checks = report.FailingChecks,
            seq_scan_seconds = report.SeqScan?.TotalSeconds,
            seq_scan_rows = report.SeqScanRows,
            mismatch_to_seq_scan_ratio = mismatch is not null && report.SeqScan is { } s && s > TimeSpan.Zero ? mismatch.Duration / s : (double?)null,
            total_seconds = report.Duration.TotalSeconds,
            checks = report.Results.Select(r => new
            {
                check = r.Check,
                outcome = ValidationEvidence.OutcomeName(r.Outcome),
                rows_examined = r.RowsExamined,
                failures = r.Failures,
                threshold = r.Threshold,
                sample_keys = r.SampleKeys,
                seconds = r.Duration.TotalSeconds,
                detail = r.Detail,
                findings = r.Findings.Take(50).Select(f => new { key = f.Key, rows = f.Rows, failures = f.Failures, note = f.Note }),
            }),
        };
    }

    /// <summary>Chunking and sampling options shared by validate and the bench.</summary>
    internal sealed record TuningOptions(Option<long> ChunkKeys, Option<int> Workers, Option<double?> SamplePercent, Option<long> SampleRows, Option<long> SinglePassMaxMb, Option<string> MismatchRead)
    {
        public IEnumerable<Option> All => [ChunkKeys, Workers, SamplePercent, SampleRows, SinglePassMaxMb, MismatchRead];

        /// <summary>The tuning options over <paramref name="from"/> (a spec's options), or over the defaults.</summary>
        public ValidationOptions Read(ParseResult p, ValidationOptions? from = null) => (from ?? new ValidationOptions()) with
        {
            ChunkKeys = p.GetValue(ChunkKeys),
            Workers = p.GetValue(Workers),
            SamplePercent = p.GetValue(SamplePercent),
            SampleRows = p.GetValue(SampleRows),
            SinglePassMaxBytes = checked(p.GetValue(SinglePassMaxMb) * 1024 * 1024),
            MismatchFromPairIndex = p.GetValue(MismatchRead) == "auto",
        };
    }

    internal static TuningOptions Tuning() => new(
        CliOptions.Number("--chunk-keys", "Primary-key range per chunk; each chunk is one short transaction.", 250_000L, 1, long.MaxValue, "250000"),
        CliOptions.Number("--workers", "Chunks checked at once.", 2, 1, 64, "2"),
        CliOptions.OptionalNumber("--sample-percent", "TABLESAMPLE SYSTEM percent for the sampling check (default: derived from --sample-rows).", 0.0001, 100d, "1"),
        CliOptions.Number("--sample-rows", "Rows the sampling check aims for.", 10_000L, 1, long.MaxValue, "10000"),
        CliOptions.Number("--single-pass-max-mb", "Tables with at most this many MB of heap get the completeness, orphans, mismatch and counts checks as one parallel, ring-buffered scan each; larger ones are read in page chunks. 0: always chunks.", 2048L, 0, 1L << 40, "2048"),
        CliOptions.Choice("--mismatch-read", "auto: the mismatch check reads the distinct (legacy value, id) pairs of an index on (target id, legacy column) by skip scan when the table has one, else the heap. heap: always read every heap row.", "auto", "auto", "heap"));
}
