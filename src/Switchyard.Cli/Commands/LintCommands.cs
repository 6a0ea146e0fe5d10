using System.CommandLine;
using Npgsql;
using Switchyard.Cli.Options;
using Switchyard.Cli.Output;
using Switchyard.Core;
using Switchyard.Core.Execution;
using Switchyard.Core.Linting;
using Switchyard.Core.LocalPostgres;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;

namespace Switchyard.Cli.Commands;

/// <summary>
/// <c>switchyard lint FILE.sql</c>: safety rules plus lock measurement on a schema clone of the target.
/// Exit codes: 0 clean (or only findings below --fail-on), 1 warnings with --fail-on warning, 2 errors found,
/// 3 the lint could not run (unreadable file, bad SQL quoting, unreachable database).
/// </summary>
internal static class LintCommands
{
    /// <summary>Exit code when the lint itself could not run, distinct from "errors found" (2).</summary>
    public const int CouldNotRun = 3;

    public static Command Build()
    {
        var lint = new Command("lint", "Check a SQL file for statements that lock or rewrite busy tables; measure real locks on a schema clone of the target. Exit 0 clean, 1 warnings (--fail-on warning), 2 errors, 3 could not run.");
        var file = new Argument<string>("file") { Description = "The .sql file to lint, or a migration spec (.yaml): its plan's DDL is linted." };
        var json = GlobalOptions.Json();
        var failOn = CliOptions.Enum("--fail-on", "Lowest severity that fails the run: error (exit 2), warning (exit 1), none.", LintFailOn.Error);
        var format = CliOptions.Choice("--format", "Output: table (people), json, sarif (SARIF 2.1.0 for code scanning) or github (Actions annotations). --json is --format json.",
            "table", "table", "json", "sarif", "github");
        var staticOnly = new Option<bool>("--static") { Description = "Rules only: do not connect, clone the schema or measure locks." };
        lint.Arguments.Add(file);
        lint.Options.Add(json);
        lint.Options.Add(format);
        lint.Options.Add(failOn);
        lint.Options.Add(staticOnly);
        CommandAction.Set(lint, async (ctx, ct) =>
        {
            LintReport report;
            try
            {
                var path = ctx.ParseResult.GetValue(file)!;
                if (IsSpec(path))
                {
                    report = await LintSpecAsync(ctx, path, ctx.ParseResult.GetValue(staticOnly), ct).ConfigureAwait(false);
                }
                else if (ctx.ParseResult.GetValue(staticOnly))
                {
                    report = SqlLinter.Analyze(ReadInput(path), path);
                }
                else
                {
                    var sql = ReadInput(path);
                    var target = await ctx.ConnectAsync(ct, LocalClusterOptions.DefaultDatabase).ConfigureAwait(false);
                    var binaries = await PostgresBinaries.LocateAsync(ctx.LocalOptions.BinDirectory, ct).ConfigureAwait(false);
                    report = await SqlLinter.AnalyzeAndMeasureAsync(sql, path, target, binaries, ctx.Sql(), ct).ConfigureAwait(false);
                }
            }
            catch (SwitchyardException e)
            {
                throw new LintNotRunException(e.Message, e.Hint, e);
            }
            catch (Exception e) when (e is NpgsqlException or IOException)
            {
                throw new LintNotRunException($"{e.GetType().Name}: {e.Message}", "Pass --static to lint without a database, or fix --connection.", e);
            }

            var chosen = ctx.ParseResult.GetValue(json) ? "json" : ctx.ParseResult.GetValue(format);
            switch (chosen)
            {
                case "json": CliOutput.WriteJson(LintJson.From(report, ctx.ParseResult.GetValue(failOn))); break;
                case "sarif": CliOutput.Plain(LintSarif.Render(report)); break;
                case "github": foreach (var line in LintGithub.Lines(report)) CliOutput.Plain(line); break;
                default: Print(report, ctx.ParseResult.GetValue(failOn)); break;
            }
            return report.ExitCode(ctx.ParseResult.GetValue(failOn));
        });
        return lint;
    }

    private static string ReadInput(string path)
    {
        if (!File.Exists(path))
            throw new SwitchyardException($"{path}: no such file.", "Name a .sql file, e.g. `switchyard lint migrations/0042_add_index.sql`.");
        return File.ReadAllText(path);
    }

    private static bool IsSpec(string path) =>
        path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);

    /// <summary>A spec is planned against the target (the plan needs its catalog), then the plan's DDL is linted.</summary>
    private static async Task<LintReport> LintSpecAsync(CliContext ctx, string path, bool staticOnly, CancellationToken ct)
    {
        if (!File.Exists(path))
            throw new SwitchyardException($"{path}: no such file.", "Name a spec that exists, e.g. `switchyard lint migrations/001-normalize-status.yaml`.");
        var spec = SpecLoader.LoadFile(path);
        var target = await ctx.ConnectAsync(ct, LocalClusterOptions.DefaultDatabase).ConfigureAwait(false);
        var sql = ctx.Sql();
        var plan = MigrationPlanner.Build(spec, await SpecCatalogCheck.CheckAsync(spec, sql, ct).ConfigureAwait(false));
        if (staticOnly) return SpecLinter.Analyze(plan, sql.Options, path);
        var binaries = await PostgresBinaries.LocateAsync(ctx.LocalOptions.BinDirectory, ct).ConfigureAwait(false);
        return await SpecLinter.AnalyzeAndMeasureAsync(plan, sql.Options, path, target, binaries, sql, ct).ConfigureAwait(false);
    }

    private static void Print(LintReport report, LintFailOn failOn)
    {
        var rows = new List<IReadOnlyList<string>>();
        foreach (var s in report.Statements)
        {
            var measured = Measured(s.Measurement);
            if (s.Findings.Count == 0)
            {
                rows.Add([s.Line.ToString(System.Globalization.CultureInfo.InvariantCulture), "-", "ok", Preview(s.Sql), measured, ""]);
                continue;
            }
            foreach (var f in s.Findings)
                rows.Add([$"{f.Line}:{f.Column}", f.RuleId, f.Severity.ToString().ToLowerInvariant(), f.Message, measured, f.Rewrite]);
        }
        // Redirected output (CI logs) would otherwise be squeezed into 80 columns.
        if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = Math.Max(Spectre.Console.AnsiConsole.Profile.Width, 220);
        CliOutput.Table($"switchyard lint {report.Source}", ["line", "rule", "severity", "message", "measured lock", "safe rewrite"], rows);
        CliOutput.Plain($"{report.Statements.Count} statements: {report.Errors} errors, {report.Warnings} warnings, {report.Infos} info; " +
            (report.MeasuredAgainst is { } db ? $"locks measured on a schema-only clone of {db}." : "rules only (not measured)."));
        CliOutput.Plain($"exit code {report.ExitCode(failOn)} (--fail-on {failOn.ToString().ToLowerInvariant()}).");
    }

    private static string Preview(string sql)
    {
        var flat = string.Join(' ', sql.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= 90 ? flat : flat[..89] + "…";
    }

    internal static string Measured(StatementMeasurement? m) => m switch
    {
        null => "",
        { Status: MeasurementStatus.Skipped } => "-",
        { Status: MeasurementStatus.Failed } => "not measured: " + m.Note,
        { Status: MeasurementStatus.NotPossibleInTransaction } => $"{m.StrongestTableLockName} (documented; cannot run in a transaction)",
        _ => string.Join("\n", m.Locks.Where(l => l.Kind is not "index").Select(l => $"{l.Relation}: {LockModes.SqlName(l.Mode)}")
                 .DefaultIfEmpty("no table lock")) + (m.Rewrote ? $"\nREWRITE: {string.Join(", ", m.RewrittenTables)}" : "\nno rewrite"),
    };
}

/// <summary>The lint could not run at all (exit 3), as opposed to finding errors (exit 2).</summary>
internal sealed class LintNotRunException : SwitchyardException
{
    public LintNotRunException(string message, string? hint, Exception inner) : base(message, hint, inner) { }

    public override int ExitCode => LintCommands.CouldNotRun;
}

/// <summary>The snake_case JSON shape of a lint report.</summary>
internal static class LintJson
{
    public static object From(LintReport report, LintFailOn failOn) => new
    {
        source = report.Source,
        measured_against = report.MeasuredAgainst,
        exit_code = report.ExitCode(failOn),
        summary = new { statements = report.Statements.Count, errors = report.Errors, warnings = report.Warnings, info = report.Infos },
        statements = report.Statements.Select(s => new
        {
            index = s.Index,
            line = s.Line,
            column = s.Column,
            sql = s.Sql,
            in_transaction_block = s.InTransactionBlock,
            measurement = s.Measurement is not { } m ? null : new
            {
                status = m.Status,
                strongest_table_lock = m.StrongestTableLock,
                strongest_table_lock_sql = m.StrongestTableLockName,
                locks = m.Locks.Select(l => new { relation = l.Relation, kind = l.Kind, mode = l.Mode, mode_sql = LockModes.SqlName(l.Mode) }),
                rewritten_tables = m.RewrittenTables,
                note = m.Note,
            },
            findings = s.Findings.Select(f => new
            {
                rule_id = f.RuleId,
                rule = f.Rule().Name,
                severity = f.Severity,
                line = f.Line,
                column = f.Column,
                message = f.Message,
                explanation = f.Rule().Explanation,
                rewrite = f.Rewrite,
                table = f.Table,
                target_column = f.TargetColumn,
            }),
        }),
    };
}
