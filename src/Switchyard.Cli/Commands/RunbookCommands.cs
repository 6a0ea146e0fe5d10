using Switchyard.Core.LocalPostgres;
using System.CommandLine;
using Switchyard.Cli.Options;
using Switchyard.Cli.Output;
using Switchyard.Core;
using Switchyard.Core.Evidence;
using Switchyard.Core.Execution;
using Switchyard.Core.Journal;
using Switchyard.Core.Planning;
using Switchyard.Core.Runbook;
using Switchyard.Core.Runbook.Scale;
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
        var backfillRate = CliOptions.OptionalNumber("--backfill-rows-per-second", "Backfill rate for the estimates. Default: this table's last completed backfill in the journal, else its last recorded backfill benchmark (switchyard.backfill_bench_runs), else 20,000 rows/s; the runbook names the source.", 1d, double.MaxValue, "20000");
        var owner = new Option<string?>("--owner") { Description = "Who owns the change (printed in the change record and sign-off). Default: a blank to fill in." };
        var approvers = new Option<string[]>("--approver") { Description = "Who approves the change (repeatable). Default: a blank to fill in.", AllowMultipleArgumentsPerToken = false };
        var window = new Option<string?>("--change-window") { Description = "The change window, e.g. \"2026-12-03 02:00-04:00 UTC\". Default: a blank to fill in." };
        var scale = new ScaleOptions();
        command.Arguments.Add(spec);
        foreach (var o in new Option[] { format, output, backfillRate, owner, approvers, window }) command.Options.Add(o);
        scale.AddTo(command);
        CommandAction.Set(command, async (ctx, ct) =>
        {
            var loaded = SpecLoader.LoadFile(ctx.ParseResult.GetValue(spec)!);
            var header = new RunbookHeader
            {
                GeneratedAt = ctx.Time.GetUtcNow(),
                Target = "",
                Owner = ctx.ParseResult.GetValue(owner),
                Approvers = ctx.ParseResult.GetValue(approvers) ?? [],
                ChangeWindow = ctx.ParseResult.GetValue(window),
            };
            var givenRate = ctx.ParseResult.GetValue(backfillRate);
            var full = scale.Read(ctx.ParseResult);
            RunbookDocument? doc;
            if (ctx.ParseResult.GetValue(scale.Fleet) is { } fleetPath)
            {
                doc = await RunbookFleet.BuildAsync(ctx, fleetPath, loaded, header, givenRate, full, ct).ConfigureAwait(false);
            }
            else
            {
                var target = await ctx.ConnectAsync(ct, LocalClusterOptions.DefaultDatabase).ConfigureAwait(false);
                var body = await BodyAsync(ctx.Sql(), loaded, header with { Target = target.Describe() }, givenRate, ct).ConfigureAwait(false);
                doc = body?.Document;
                if (body is { } b && full is not null)
                {
                    var inputs = await ScaleRatesReader.ReadAsync(b.Sql, b.Plan, b.Size, b.Rate, full, ct).ConfigureAwait(false);
                    doc = b.Document with { Sections = [.. b.Document.Sections, ScaleEstimateSection.Build(ScaleEstimate.Compute(inputs))] };
                }
            }
            if (doc is not null) await WriteAsync(RunbookRenderer.Render(doc, ctx.ParseResult.GetValue(format)), ctx.ParseResult.GetValue(output), ct).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    /// <summary>A runbook's body from one database, with what the full-scale estimate reads next.</summary>
    internal sealed record RunbookBody(RunbookDocument Document, SafeSqlRunner Sql, MigrationPlan Plan, RunbookTableSize Size, BackfillRateSource Rate);

    /// <summary>The runbook built from one database's catalog and journal; null (after one line) when the journal records the migration as complete.</summary>
    internal static async Task<RunbookBody?> BodyAsync(SafeSqlRunner sql, MigrationSpec loaded, RunbookHeader header, double? givenRate, CancellationToken ct)
    {
        if (await CompletedMigration.DescribeAsync(sql, loaded.Name, ct).ConfigureAwait(false) is { } done)
        {
            CliOutput.Plain(done);
            return null;
        }
        var live = await SpecCatalogCheck.CheckAsync(loaded, sql, ct).ConfigureAwait(false);
        var plan = MigrationPlanner.Build(loaded, live);
        var size = await TableSizeReader.ReadAsync(sql, plan.TargetTable, ct).ConfigureAwait(false);
        var rate = await RateAsync(sql, plan.TargetTable, givenRate, ct).ConfigureAwait(false);
        return new RunbookBody(RunbookBuilder.Build(plan, size, RunbookRates.From(rate), sql.Options, header), sql, plan, size, rate);
    }

    /// <summary>The operator's backfill rate, else this database's measured one (its journal, its benches), else the default.</summary>
    internal static async Task<BackfillRateSource> RateAsync(SafeSqlRunner sql, QualifiedName table, double? givenRate, CancellationToken ct) =>
        givenRate is { } given
            ? new BackfillRateSource(given, BackfillRateOrigin.Operator, "given by the operator (--backfill-rows-per-second)")
            : await BackfillRateReader.ReadAsync(sql, table, ct).ConfigureAwait(false);

    public static Command Evidence()
    {
        var command = new Command("evidence", "Export a migration's journal (steps, timings, hash-chained events, validation results) as a compliance record, signed with --sign-key; or --verify an exported file.");
        var migration = new Argument<string?>("migration") { Description = "The migration's name.", Arity = ArgumentArity.ZeroOrOne };
        var format = CliOptions.Choice("--format", "json or markdown.", "json", "json", "markdown");
        var output = new Option<string?>("--out") { Description = "Write to this file instead of stdout." };
        var signKey = new Option<string?>("--sign-key") { Description = "Sign the export with this ECDSA P-256 private key (PKCS#8 PEM; make one with `evidence keygen`)." };
        var verify = new Option<string?>("--verify") { Description = "Check an exported file (JSON or markdown): checksum, event hash chain, markdown tables, signature. Exit 0 when intact, 4 when altered or not signed by --public-key." };
        var publicKey = new Option<string?>("--public-key") { Description = "With --verify: the public key (PEM) the record must be signed by. Without it, verify proves integrity only, not authenticity." };
        command.Arguments.Add(migration);
        foreach (var o in new Option[] { format, output, signKey, verify, publicKey }) command.Options.Add(o);
        command.Subcommands.Add(EvidenceKeygen());
        CommandAction.Set(command, async (ctx, ct) =>
        {
            if (ctx.ParseResult.GetValue(verify) is { } file) return await VerifyAsync(file, ctx.ParseResult.GetValue(publicKey), ct).ConfigureAwait(false);
            if (ctx.ParseResult.GetValue(publicKey) is not null)
                throw new SwitchyardException("--public-key only checks a file: use it with --verify FILE.", "Sign an export with --sign-key PRIVATE.pem; verify it with --verify FILE --public-key PUBLIC.pem.");
            var name = ctx.ParseResult.GetValue(migration)
                ?? throw new SwitchyardException("Name the migration to export, e.g. `switchyard evidence 001-normalize-transaction-status`.", "List migrations with `switchyard status`.");
            // The key is read before anything is exported: a bad key path fails fast and writes nothing.
            using var key = ctx.ParseResult.GetValue(signKey) is { } keyPath ? EvidenceKeys.LoadPrivate(keyPath) : null;
            await ctx.ConnectAsync(ct, LocalClusterOptions.DefaultDatabase).ConfigureAwait(false);
            var record = await new EvidenceExporter(ctx.Sql()).ExportAsync(name, ct).ConfigureAwait(false);
            if (key is not null) record = record.SignWith(key);
            var text = ctx.ParseResult.GetValue(format) == "markdown" ? EvidenceMarkdown.Render(record) : record.ToJson();
            await WriteAsync(text, ctx.ParseResult.GetValue(output), ct).ConfigureAwait(false);
            if (ctx.ParseResult.GetValue(output) is { } path)
                CliOutput.Plain($"evidence for {name} written to {path}; sha256 {record.Checksum}; " + (record.Signature is { } s ? $"signed by key {s.KeyId}" : "unsigned: integrity only, not authenticity"));
            return 0;
        });
        return command;
    }

    private static async Task<int> VerifyAsync(string file, string? publicKeyPath, CancellationToken ct)
    {
        if (!File.Exists(file)) throw new SwitchyardException($"{file}: no such file.", "Name a file written by `switchyard evidence ... --out FILE`.");
        using var key = publicKeyPath is null ? null : EvidenceKeys.LoadPublic(publicKeyPath);
        var result = EvidenceVerifier.Verify(await File.ReadAllTextAsync(file, ct).ConfigureAwait(false), file, key);
        if (result.Valid)
        {
            CliOutput.Plain($"verified: {file} (migration {result.Migration}) sha256 {result.ComputedChecksum}; {result.Authenticity}");
            CliOutput.Plain($"event chain: {result.Chain.Describe()}");
            return 0;
        }
        var problems = result.Problems();
        CliOutput.Plain($"{(result.Signature is SignatureStatus.Missing or SignatureStatus.WrongKey && problems.Count == 1 ? "NOT AUTHENTIC" : "TAMPERED")}: {file}: {problems[0]}");
        foreach (var more in problems.Skip(1)) CliOutput.Plain("  also: " + more);
        return 4;
    }

    private static Command EvidenceKeygen()
    {
        var command = new Command("keygen", "Make an ECDSA P-256 key pair for signing evidence: the private key (mode 600) stays with the operator, the public key goes to reviewers.");
        var output = new Option<string>("--out") { Description = "Directory to write evidence-signing-key.pem and evidence-signing-key.pub.pem into.", Required = true };
        command.Options.Add(output);
        CommandAction.Set(command, (ctx, _) =>
        {
            var (privatePath, publicPath, keyId) = EvidenceKeys.Generate(ctx.ParseResult.GetValue(output)!);
            CliOutput.Plain($"private key: {privatePath} (mode 600; sign with `switchyard evidence MIGRATION --sign-key {privatePath}`)");
            CliOutput.Plain($"public key:  {publicPath} (give to reviewers: `switchyard evidence --verify FILE --public-key {publicPath}`)");
            CliOutput.Plain($"key id:      {keyId}");
            return Task.FromResult(0);
        });
        return command;
    }

    private static async Task WriteAsync(string text, string? path, CancellationToken ct)
    {
        if (path is null) CliOutput.Plain(text);
        else await File.WriteAllTextAsync(path, text, ct).ConfigureAwait(false);
    }
}
