using System.CommandLine;
using Switchyard.Cli.Options;
using Switchyard.Cli.Output;
using Switchyard.Core.LocalPostgres;
using Switchyard.EntityFrameworkCore;

namespace Switchyard.Cli.Commands;

/// <summary><c>switchyard ef plan</c>: an EF Core migration, read from its compiled assembly, as Switchyard operations.</summary>
internal static class EfCommands
{
    /// <summary>Exit code of a plan with operations that cannot run online.</summary>
    public const int Refused = 3;

    public static Command Build()
    {
        var ef = new Command("ef", "EF Core migrations, run online: read from the application's compiled migrations assembly.");
        var plan = new Command("plan", "Print the Switchyard operations an EF migration translates to, or why it cannot run online (exit 3).");
        var assembly = new Option<string>("--assembly") { Description = "The compiled migrations assembly (the project's output dll), e.g. bin/Release/net10.0/App.dll.", Required = true };
        var migration = new Option<string>("--migration") { Description = "The migration id or its name, e.g. NormalizeTransactionStatus.", Required = true };
        var normalize = CliOptions.ListOf("--normalize", "How a normalized column's legacy values are cleaned before lookup (EF's model does not say): trim, lower. Default: exact codes.", ["trim", "lower"]);
        var json = GlobalOptions.Json();
        foreach (var o in new Option[] { assembly, migration, normalize, json }) plan.Options.Add(o);
        CommandAction.Set(plan, (ctx, _) =>
        {
            var read = EfMigrationsAssembly.Read(ctx.ParseResult.GetValue(assembly)!, ctx.ParseResult.GetValue(migration)!);
            var cleaning = (ctx.ParseResult.GetValue(normalize) ?? "").Split(',', StringSplitOptions.TrimEntries);
            var translated = EfMigrationTranslator.Translate(read, new EfTranslationOptions(cleaning.Contains("trim"), cleaning.Contains("lower")));
            if (ctx.ParseResult.GetValue(json))
            {
                CliOutput.WriteJson(new
                {
                    migration = read.Id, product_version = read.ProductVersion, refused = translated.Refused,
                    operations = translated.Operations.Select(o => new { kind = o.Kind, operation = (object)o }),
                    refusals = translated.Refusals, notes = translated.Notes,
                });
            }
            else Print(translated);
            return Task.FromResult(translated.Refused ? Refused : 0);
        });
        ef.Subcommands.Add(plan);
        ef.Subcommands.Add(Apply());
        ef.Subcommands.Add(EfBaselineCommand.Build());
        return ef;
    }

    /// <summary><c>ef apply</c>: the translated migration through the normal engine; after Contract, EF's history row.</summary>
    private static Command Apply()
    {
        var apply = new Command("apply", "Run an EF migration online through the engine (re-run continues); after Contract, record it in __EFMigrationsHistory.");
        var assembly = new Option<string>("--assembly") { Description = "The compiled migrations assembly (the project's output dll).", Required = true };
        var migration = new Option<string>("--migration") { Description = "The migration id or its name, e.g. NormalizeTransactionStatus.", Required = true };
        var normalize = CliOptions.ListOf("--normalize", "How a normalized column's legacy values are cleaned before lookup: trim, lower. Default: exact codes.", ["trim", "lower"]);
        var alias = new Option<string[]>("--alias") { Description = "LEGACY=CODE: a cleaned legacy value that means a code (repeatable), e.g. --alias setled=settled.", AllowMultipleArgumentsPerToken = false };
        alias.Validators.Add(r =>
        {
            foreach (var t in r.Tokens.Where(t => t.Value.Split('=', 2) is not [{ Length: > 0 }, { Length: > 0 }]))
                r.AddError($"--alias '{t.Value}' is not LEGACY=CODE. Pass e.g. --alias setled=settled.");
        });
        var to = CliOptions.OptionalEnum<Core.Planning.MigrationPhase>("--to", "Stop after this phase.");
        var confirm = new Option<string?>("--confirm") { Description = "The EF migration id: allows Contract, the point of no return." };
        var otlp = Telemetry.OtlpExport.Option();
        var json = GlobalOptions.Json();
        foreach (var o in new Option[] { assembly, migration, normalize, alias, to, confirm, otlp, json }) apply.Options.Add(o);
        ApplyPlugins.AddTo(apply);
        CommandAction.Set(apply, async (ctx, ct) =>
        {
            using var export = Telemetry.OtlpExport.Start(ctx.ParseResult.GetValue(otlp));
            var read = EfMigrationsAssembly.Read(ctx.ParseResult.GetValue(assembly)!, ctx.ParseResult.GetValue(migration)!);
            var cleaning = (ctx.ParseResult.GetValue(normalize) ?? "").Split(',', StringSplitOptions.TrimEntries);
            var aliases = (ctx.ParseResult.GetValue(alias) ?? []).Select(a => a.Split('=', 2)).ToDictionary(a => a[0], a => a[1]);
            var spec = EfMigrationTranslator.Translate(read, new EfTranslationOptions(cleaning.Contains("trim"), cleaning.Contains("lower"), aliases)).ToSpec();
            await ctx.ConnectAsync(ct, LocalClusterOptions.DefaultDatabase).ConfigureAwait(false);
            var sql = ctx.Sql();
            await using var plugged = await ApplyPlugins.BuildAsync(ctx, sql, 5000, spec, ct).ConfigureAwait(false);
            var asJson = ctx.ParseResult.GetValue(json);
            var result = await plugged.Engine.ApplyAsync(spec, new Core.Engine.ApplyOptions
            {
                To = ctx.ParseResult.GetValue(to), Confirm = ctx.ParseResult.GetValue(confirm), StepDone = asJson ? null : key => CliOutput.Plain($"  done: {key}"),
            }, ct).ConfigureAwait(false);
            if (result.State == Core.Journal.MigrationStates.Completed)
            {
                await EfMigrationsHistory.RecordAsync(sql, read, ct).ConfigureAwait(false);
                if (!asJson) CliOutput.Plain($"__EFMigrationsHistory: {read.Id} ({read.ProductVersion}) recorded as applied.");
            }
            MigrationCommands.Print(result, asJson, stepsPrinted: !asJson);
            return result.State is Core.Journal.MigrationStates.Failed or Core.Journal.MigrationStates.Paused ? 5 : 0;
        });
        return apply;
    }

    private static void Print(EfPlan plan)
    {
        CliOutput.Plain($"EF migration {plan.Migration.Id} (EF Core {plan.Migration.ProductVersion}): {plan.Migration.Up.Count} operation(s)");
        foreach (var op in plan.Operations) CliOutput.Plain($"  {op.Kind}: {op.Summary}");
        foreach (var note in plan.Notes) CliOutput.Plain($"  note: {note}");
        if (!plan.Refused) return;
        CliOutput.Plain($"refused: {plan.Refusals.Count} operation(s) cannot run online:");
        foreach (var r in plan.Refusals) CliOutput.Plain($"  {r.Operation}: {r.Reason}");
    }
}
