using System.CommandLine;
using Switchyard.Cli.Options;
using Switchyard.Cli.Output;
using Switchyard.Core;
using Switchyard.Core.Evidence;
using Switchyard.Core.Journal;
using Switchyard.Core.Planning;
using Switchyard.Core.Runbook;
using Switchyard.Core.Spec;

namespace Switchyard.Cli.Commands;

/// <summary><c>switchyard runbook SPEC</c> (the change-board document) and <c>switchyard evidence MIGRATION</c> (the compliance record).</summary>
internal static class RunbookCommands
{
    public static Command Runbook()
    {
        var command = new Command("runbook", "Write the change-board runbook of a spec: summary and risk, phases with SQL, locks, durations, go/no-go, signals, rollback, point of no return, sequencing, and who is told what.");
        var spec = new Argument<string>("spec") { Description = "Path of the YAML migration spec." };
        var format = CliOptions.Enum("--format", "markdown or html.", RunbookFormat.Markdown);
        var output = new Option<string?>("--out") { Description = "Write to this file instead of stdout." };
        var backfillRate = CliOptions.Number("--backfill-rows-per-second", "Backfill rate for the estimates (measure with `switchyard bench backfill`).", new RunbookRates().BackfillRowsPerSecond, 1, double.MaxValue, "20000");
        var owner = new Option<string?>("--owner") { Description = "Who owns the change (printed in the change record and sign-off). Default: a blank to fill in." };
        var approvers = new Option<string[]>("--approver") { Description = "Who approves the change (repeatable). Default: a blank to fill in.", AllowMultipleArgumentsPerToken = false };
        var window = new Option<string?>("--change-window") { Description = "The change window, e.g. \"2026-12-03 02:00-04:00 UTC\". Default: a blank to fill in." };
        command.Arguments.Add(spec);
        foreach (var o in new Option[] { format, output, backfillRate, owner, approvers, window }) command.Options.Add(o);
        CommandAction.Set(command, async (ctx, ct) =>
        {
            var loaded = SpecLoader.LoadFile(ctx.ParseResult.GetValue(spec)!);
            var target = await ctx.ConnectAsync(ct, LedgerCommands.ManagedDatabase).ConfigureAwait(false);
            var sql = ctx.Sql();
            if (await CompletedMigration.DescribeAsync(sql, loaded.Name, ct).ConfigureAwait(false) is { } done)
            {
                CliOutput.Plain(done);
                return 0;
            }
            var live = await SpecCatalogCheck.CheckAsync(loaded, sql, ct).ConfigureAwait(false);
            var plan = MigrationPlanner.Build(loaded, live);
            var size = await TableSizeReader.ReadAsync(sql, plan.TargetTable, ct).ConfigureAwait(false);
            var header = new RunbookHeader
            {
                GeneratedAt = ctx.Time.GetUtcNow(),
                Target = target.Describe(),
                Owner = ctx.ParseResult.GetValue(owner),
                Approvers = ctx.ParseResult.GetValue(approvers) ?? [],
                ChangeWindow = ctx.ParseResult.GetValue(window),
            };
            var doc = RunbookBuilder.Build(plan, size, new RunbookRates { BackfillRowsPerSecond = ctx.ParseResult.GetValue(backfillRate) }, sql.Options, header);
            await WriteAsync(RunbookRenderer.Render(doc, ctx.ParseResult.GetValue(format)), ctx.ParseResult.GetValue(output), ct).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    public static Command Evidence()
    {
        var command = new Command("evidence", "Export a migration's journal (steps, timings, events, validation results) as a compliance record with a sha256 content checksum; or --verify an exported file.");
        var migration = new Argument<string?>("migration") { Description = "The migration's name.", Arity = ArgumentArity.ZeroOrOne };
        var format = CliOptions.Choice("--format", "json or markdown.", "json", "json", "markdown");
        var output = new Option<string?>("--out") { Description = "Write to this file instead of stdout." };
        var verify = new Option<string?>("--verify") { Description = "Check an exported file (JSON or markdown): exit 0 when its checksum matches, 4 when it was altered." };
        command.Arguments.Add(migration);
        foreach (var o in new Option[] { format, output, verify }) command.Options.Add(o);
        CommandAction.Set(command, async (ctx, ct) =>
        {
            if (ctx.ParseResult.GetValue(verify) is { } file)
            {
                if (!File.Exists(file)) throw new SwitchyardException($"{file}: no such file.", "Name a file written by `switchyard evidence ... --out FILE`.");
                var result = EvidenceVerifier.Verify(await File.ReadAllTextAsync(file, ct).ConfigureAwait(false), file);
                CliOutput.Plain(result.Valid
                    ? $"verified: {file} (migration {result.Migration}) sha256 {result.ComputedChecksum}"
                    : $"TAMPERED: {file} records sha256 {result.RecordedChecksum} but its content hashes to {result.ComputedChecksum}");
                return result.Valid ? 0 : 4;
            }
            var name = ctx.ParseResult.GetValue(migration)
                ?? throw new SwitchyardException("Name the migration to export, e.g. `switchyard evidence 001-normalize-transaction-status`.", "List migrations with `switchyard status`.");
            await ctx.ConnectAsync(ct, LedgerCommands.ManagedDatabase).ConfigureAwait(false);
            var record = await new EvidenceExporter(ctx.Sql()).ExportAsync(name, ct).ConfigureAwait(false);
            var text = ctx.ParseResult.GetValue(format) == "markdown" ? EvidenceMarkdown.Render(record) : record.ToJson();
            await WriteAsync(text, ctx.ParseResult.GetValue(output), ct).ConfigureAwait(false);
            if (ctx.ParseResult.GetValue(output) is { } path) CliOutput.Plain($"evidence for {name} written to {path}; sha256 {record.Checksum}");
            return 0;
        });
        return command;
    }

    private static async Task WriteAsync(string text, string? path, CancellationToken ct)
    {
        if (path is null) CliOutput.Plain(text);
        else await File.WriteAllTextAsync(path, text, ct).ConfigureAwait(false);
    }
}
