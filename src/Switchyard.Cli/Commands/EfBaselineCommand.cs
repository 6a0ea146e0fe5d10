using System.CommandLine;
using Switchyard.Cli.Options;
using Switchyard.Cli.Output;
using Switchyard.Core.LocalPostgres;
using Switchyard.EntityFrameworkCore;

namespace Switchyard.Cli.Commands;

/// <summary><c>ef baseline</c>: records an EF migration whose tables already exist, so <c>dotnet ef</c> sees it as applied.</summary>
internal static class EfBaselineCommand
{
    public static Command Build()
    {
        var baseline = new Command("baseline", "Record an EF migration whose tables already exist (e.g. InitialLedger of a database older than EF) in __EFMigrationsHistory; refused if any is missing.");
        var assembly = new Option<string>("--assembly") { Description = "The compiled migrations assembly (the project's output dll).", Required = true };
        var migration = new Option<string>("--migration") { Description = "The migration id or its name, e.g. InitialLedger.", Required = true };
        var json = GlobalOptions.Json();
        foreach (var o in new Option[] { assembly, migration, json }) baseline.Options.Add(o);
        CommandAction.Set(baseline, async (ctx, ct) =>
        {
            var read = EfMigrationsAssembly.Read(ctx.ParseResult.GetValue(assembly)!, ctx.ParseResult.GetValue(migration)!);
            await ctx.ConnectAsync(ct, LocalClusterOptions.DefaultDatabase).ConfigureAwait(false);
            var tables = await EfBaseline.RecordAsync(ctx.Sql(), read, ct).ConfigureAwait(false);
            if (ctx.ParseResult.GetValue(json))
                CliOutput.WriteJson(new { migration = read.Id, product_version = read.ProductVersion, tables_checked = tables.Select(t => t.ToString()) });
            else
                CliOutput.Plain($"__EFMigrationsHistory: {read.Id} ({read.ProductVersion}) recorded as applied; its {tables.Count} table(s) exist: {string.Join(", ", tables)}.");
            return 0;
        });
        return baseline;
    }
}
