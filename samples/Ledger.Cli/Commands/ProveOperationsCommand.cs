using System.CommandLine;
using Switchyard.Cli;
using Switchyard.Cli.Options;
using Switchyard.Cli.Output;
using Switchyard.Core.LocalPostgres;
using Switchyard.Samples.Ledger.Cli.Proof;

namespace Switchyard.Samples.Ledger.Cli.Commands;

/// <summary>
/// <c>switchyard-ledger prove-operations</c>: each pgroll operation on a seeded ledger under payments traffic, rolled
/// back exactly from every phase before Contract (schema-only dumps compared), then run through Contract.
/// </summary>
internal static class ProveOperationsCommand
{
    public static Command Build()
    {
        var command = new Command("prove-operations", "Prove pgroll operations on a fresh ledger under payments traffic: rollback from every phase before Contract leaves the schema dump identical; expand → contract keeps every cent with 0 failed operations.");
        var operation = CliOptions.Choice("--operation", "Which operation to prove.", "all", [.. ProvedOperation.Names]);
        var rows = CliOptions.Number("--rows", "Transactions to seed (for each operation; at least 1,000).", 200_000L, 1, long.MaxValue, "200000");
        var tps = CliOptions.Number("--tps", "Payment operations started per second (open loop) by app v1.", 50d, 1, 5_000, "50");
        var database = new Option<string>("--database") { Description = "Database dropped and recreated for each operation.", DefaultValueFactory = _ => "ledger_prove" };
        var json = GlobalOptions.Json();
        foreach (var o in new Option[] { operation, rows, tps, database, json }) command.Options.Add(o);
        CommandAction.Set(command, async (ctx, ct) =>
        {
            var server = await ctx.ConnectAsync(ct, LocalClusterOptions.DefaultDatabase).ConfigureAwait(false);
            var options = new ProofOptions
            {
                Server = server,
                Binaries = await PostgresBinaries.LocateAsync(ctx.LocalOptions.BinDirectory, ct).ConfigureAwait(false),
                MigratorPath = Path.Combine(AppContext.BaseDirectory, "switchyard.dll"),
                Operations = ProvedOperation.Select(ctx.ParseResult.GetValue(operation)!),
                Database = ctx.ParseResult.GetValue(database)!,
                Rows = ctx.ParseResult.GetValue(rows),
                OperationsPerSecond = ctx.ParseResult.GetValue(tps),
            };
            var asJson = ctx.ParseResult.GetValue(json);
            // With --json stdout is the one document; the progress lines go to stderr.
            Action<string> log = asJson ? Console.Error.WriteLine : CliOutput.Plain;
            var results = await new OperationProofRunner(options, log).RunAsync(ct).ConfigureAwait(false);
            if (asJson) CliOutput.WriteJson(OperationProofReport.Json(results));
            else OperationProofReport.Print(results);
            return results.All(r => r.Passed) ? 0 : DemoCommand.ProofFailed;
        });
        return command;
    }
}
