using Switchyard.Cli;
using System.CommandLine;
using Switchyard.Samples.Ledger.Cli.Demo;
using Switchyard.Cli.Options;
using Switchyard.Cli.Output;

namespace Switchyard.Samples.Ledger.Cli.Commands;

/// <summary><c>switchyard-ledger demo</c>: the flagship migration on a fresh ledger under live payments traffic, with a report.</summary>
internal static class DemoCommand
{
    /// <summary>Exit code when the demo ran but its proof failed (a payment failed, money moved, validation red, authorization p99 over the SLO).</summary>
    public const int ProofFailed = 3;

    public static Command Build()
    {
        var demo = new Command("demo", "The flagship status → state migration on a fresh ledger in the managed cluster (with a streaming standby), under live payments traffic, with a report.");
        var rows = CliOptions.Number("--rows", "Transactions to seed.", 200_000L, 1, long.MaxValue, "200000");
        var tps = CliOptions.Number("--tps", "Payment operations started per second (open loop).", 100d, 1, 1_000_000, "100");
        var duration = new Option<TimeSpan>("--duration")
        {
            Description = "Time under traffic from baseline to the end of Contract (about); each gate is held for a twelfth of it, the backfill takes a seventh.",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(140),
            CustomParser = WorkloadCommands.ParseDuration,
        };
        var faults = new Option<bool>("--faults") { Description = "Inject faults: a long transaction during Expand, a standby replay pause, kill -9 of the migrator and a terminated backend during Backfill." };
        var reportDir = new Option<string?>("--report-dir") { Description = "Folder for the HTML report. Default: <cluster home>/reports." };
        var database = new Option<string>("--database") { Description = "Demo database (dropped and recreated).", DefaultValueFactory = _ => "ledger_demo" };
        var latencySlo = CliOptions.Number("--latency-slo", "Proof: authorization p99 in every phase at most this multiple of the baseline phase's authorization p99.", 1.5d, 1d, 1000d, "1.5");
        var ef = new Option<bool>("--ef") { Description = "Migrate with EF Core's generated flagship migration (switchyard ef apply on the sample's migrations assembly) instead of the spec." };
        var partitioned = new Option<bool>("--partitioned") { Description = "Seed transactions range-partitioned by month (at least 12 partitions plus DEFAULT): the backfill and validation run per partition." };
        var shards = CliOptions.Number("--shards", $"Managed clusters (each with a standby) the demo runs on: 1 is the single demo; 2 to {ShardedDemoOptions.MaxShards} run it fleet-wide (apply --fleet) under <home>/shard-N, --rows and --tps split across them.", 1, 1, ShardedDemoOptions.MaxShards, "3");
        var json = GlobalOptions.Json();
        foreach (var o in new Option[] { rows, tps, duration, faults, reportDir, database, latencySlo, ef, partitioned, shards, json }) demo.Options.Add(o);
        CommandAction.Set(demo, async (ctx, ct) =>
        {
            var total = ctx.ParseResult.GetValue(duration);
            var backfill = TimeSpan.FromSeconds(Math.Max(2, total.TotalSeconds / 7));
            var options = new DemoOptions
            {
                Cluster = ctx.LocalOptions,
                MigratorPath = Path.Combine(AppContext.BaseDirectory, "switchyard.dll"),
                Migration = ctx.ParseResult.GetValue(ef)
                    ? DemoMigration.Ef(Path.Combine(AppContext.BaseDirectory, "Ledger.EntityFramework.dll"))
                    : DemoMigration.Spec(Path.Combine(AppContext.BaseDirectory, "specs", "001-normalize-transaction-status.yaml")),
                Database = ctx.ParseResult.GetValue(database)!,
                Rows = ctx.ParseResult.GetValue(rows),
                OperationsPerSecond = ctx.ParseResult.GetValue(tps),
                PhaseTime = TimeSpan.FromSeconds(Math.Max(1, (total - backfill).TotalSeconds / 12)),
                BackfillTime = backfill,
                Faults = ctx.ParseResult.GetValue(faults),
                Partitioned = ctx.ParseResult.GetValue(partitioned),
                ReportDirectory = ctx.ParseResult.GetValue(reportDir) ?? Path.Combine(ctx.LocalOptions.Home, "reports"),
                LatencySlo = ctx.ParseResult.GetValue(latencySlo),
            };
            var asJson = ctx.ParseResult.GetValue(json);
            // With --json stdout is the one document; the progress lines go to stderr.
            Action<string> log = asJson ? Console.Error.WriteLine : CliOutput.Plain;
            if (ctx.ParseResult.GetValue(shards) is > 1 and var count)
                return await RunShardedAsync(new ShardedDemoOptions(options, count), log, asJson, ct).ConfigureAwait(false);
            var result = await new DemoOrchestrator(options, log).RunAsync(ct).ConfigureAwait(false);
            result.ReportPath = await DemoHtmlReport.WriteAsync(result, ct).ConfigureAwait(false);
            if (asJson) CliOutput.Plain(DemoJsonReport.Render(result));
            else DemoConsoleReport.Print(result);
            return result.Passed ? 0 : ProofFailed;
        });
        return demo;
    }

    /// <summary><c>demo --shards N</c>: the fleet-wide run, its report on the terminal or as one JSON document (no HTML report).</summary>
    private static async Task<int> RunShardedAsync(ShardedDemoOptions options, Action<string> log, bool asJson, CancellationToken ct)
    {
        var result = await new ShardedDemoOrchestrator(options, log).RunAsync(ct).ConfigureAwait(false);
        if (asJson) CliOutput.Plain(ShardedDemoReport.Json(result));
        else ShardedDemoReport.Print(result);
        return result.Passed ? 0 : ProofFailed;
    }
}
