using System.CommandLine;
using Switchyard.Cli.Options;
using Switchyard.Cli.Output;
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
        return ef;
    }

    private static void Print(EfPlan plan)
    {
        CliOutput.Plain($"EF migration {plan.Migration.Id} (EF Core {plan.Migration.ProductVersion}): {plan.Migration.Up.Count} operation(s)");
        foreach (var op in plan.Operations) CliOutput.Plain($"  {op.Kind}: {Describe(op)}");
        foreach (var note in plan.Notes) CliOutput.Plain($"  note: {note}");
        if (!plan.Refused) return;
        CliOutput.Plain($"refused: {plan.Refusals.Count} operation(s) cannot run online:");
        foreach (var r in plan.Refusals) CliOutput.Plain($"  {r.Operation}: {r.Reason}");
    }

    private static string Describe(Core.Spec.SpecOperation op) => op switch
    {
        Core.Spec.NormalizeColumnOperation n => $"{n.Target.Table}.{n.Target.SourceColumn} → {n.Target.LookupTable} ({string.Join(", ", n.Target.Codes)}) + {n.Target.TargetColumn}",
        Core.Spec.CreateTableOperation c => $"{c.Table} ({string.Join(", ", c.Columns.Select(x => x.Name + " " + x.Type))}){(c.Seed.Count > 0 ? $", {c.Seed.Count} seed row(s)" : "")}",
        Core.Spec.AddColumnOperation a => $"{a.Table}.{a.Column.Name} {a.Column.Type}{(a.Column.Default is null ? "" : " DEFAULT " + a.Column.Default)}",
        Core.Spec.CreateIndexOperation i => $"{i.Name} ON {i.Table} ({string.Join(", ", i.Columns)}) CONCURRENTLY",
        Core.Spec.AddForeignKeyOperation f => $"{f.Name}: {f.Table}.{f.Column} → {f.References}.{f.ReferencedColumn} (NOT VALID, then VALIDATE)",
        Core.Spec.SetNotNullOperation s => $"{s.Table}.{s.Column} (CHECK NOT VALID → VALIDATE → SET NOT NULL)",
        Core.Spec.DropColumnOperation d => $"{d.Table}.{d.Column} (Contract)",
        _ => op.ToString(),
    };
}
