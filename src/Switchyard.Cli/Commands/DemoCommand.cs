using System.CommandLine;
using Switchyard.Cli.Output;
using Switchyard.Core.LocalPostgres;
using Switchyard.Samples.Ledger.Invariants;
using Switchyard.Samples.Ledger.Seeding;

namespace Switchyard.Cli.Commands;

/// <summary><c>switchyard demo</c>: managed PostgreSQL, a seeded ledger, and the flagship migration under load.</summary>
internal static class DemoCommand
{
    public static Command Build()
    {
        var demo = new Command("demo", "Run the flagship status → state migration on a fresh ledger in the managed cluster.");
        var rows = new Option<long>("--rows") { Description = "Transactions to seed.", DefaultValueFactory = _ => 200_000 };
        rows.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<long>() < 1) r.AddError($"--rows must be at least 1, got {r.GetValueOrDefault<long>()}.");
        });
        demo.Options.Add(rows);
        CommandAction.Set(demo, async (ctx, ct) =>
        {
            var cluster = new LocalCluster(ctx.LocalOptions);
            await cluster.StartAsync(ct).ConfigureAwait(false);
            CliOutput.Success("Managed PostgreSQL is running.");
            CliOutput.Plain("connection string:");
            CliOutput.Plain(cluster.ConnectionString(LedgerCommands.ManagedDatabase));

            var target = await ctx.ConnectAsync(ct, LedgerCommands.ManagedDatabase).ConfigureAwait(false);
            var seed = await LedgerCommands.SeedAsync(ctx.DataSource, new SeedOptions { Rows = ctx.ParseResult.GetValue(rows) }, true, ct).ConfigureAwait(false);
            LedgerCommands.PrintSeed(seed);
            var invariants = await LedgerInvariantsReader.ReadAsync(ctx.DataSource, ct).ConfigureAwait(false);
            CliOutput.Plain($"ledger invariants: {invariants}");
            CliOutput.Plain($"database: {target.Describe()}");
            return 0;
        });
        return demo;
    }
}
