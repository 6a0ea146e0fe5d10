using Switchyard.Cli;
using Switchyard.Core.LocalPostgres;
using System.CommandLine;
using Npgsql;
using Switchyard.Cli.Options;
using Switchyard.Cli.Output;
using Switchyard.Core;
using Switchyard.Core.Backfill.Bench;
using Switchyard.Core.Connections;
using Switchyard.Core.Execution;
using Switchyard.Core.Guards.Slo;
using Switchyard.Core.Spec;
using Switchyard.Samples.Ledger.Bench;
using Switchyard.Samples.Ledger.Seeding;

namespace Switchyard.Samples.Ledger.Cli.Commands;

/// <summary>
/// <c>switchyard-ledger bench backfill</c>: the naive single UPDATE, a hand-written two-session batch loop and Switchyard's
/// backfill, on three identical fresh ledgers each brought to the flagship spec's post-Expand shape.
/// </summary>
internal static class BenchCommands
{
    private const string NaiveDatabase = "bench_backfill_naive";
    private const string LoopDatabase = "bench_backfill_loop";
    private const string SwitchyardDatabase = "bench_backfill_switchyard";
    private const string UnthrottledDatabase = "bench_backfill_unthrottled";
    private const string ControlDatabase = "bench_backfill_control";

    /// <summary>The spec whose Expand every side runs first: the flagship, shipped next to the CLI.</summary>
    private static string FlagshipSpecPath => Path.Combine(AppContext.BaseDirectory, "specs", "001-normalize-transaction-status.yaml");

    public static Command Build()
    {
        var bench = new Command("bench", "Benchmarks that print ratios against a baseline measured in the same run.");
        var backfill = new Command("backfill", "Seed three identical ledgers, run the flagship spec's Expand on each, time the naive single UPDATE, a hand-written two-session batch loop and Switchyard's backfill.");
        var rows = CliOptions.Number("--rows", "Transactions per ledger.", 1_000_000L, 1, long.MaxValue, "5000000");
        var workers = CliOptions.Number("--workers", "Backfill workers (default: the core count).", Math.Clamp(Environment.ProcessorCount, 1, 8), 1, 64, "4");
        var withLoad = CliOptions.OptionalNumber("--with-load", "Run the payments workload (app v1) at this many operations per second against each ledger: a warm-up window (discarded), a baseline window, then during its backfill; adds the foreground p99 with and without each backfill.", 1d, 1_000_000d, "100");
        // 15 s: on 2 busy cores a fresh workload's first 6 s ran at 0.5-3.4 s p99 (new pooled connections, cold caches),
        // and its backlog spilled into a 5 s warm-up's baseline window.
        var warmUpSeconds = CliOptions.Number("--warmup-seconds", "With --with-load: the workload's warm-up before each side's baseline window, discarded.", 15d, 0, 3600, "15");
        var baselineSeconds = CliOptions.Number("--baseline-seconds", "With --with-load: the no-backfill window measured before each side; long enough to hold what recurs (reports, checkpoints).", 20d, 0.1, 3600, "20");
        var json = GlobalOptions.Json();
        foreach (var o in new Option[] { withLoad, warmUpSeconds, baselineSeconds, rows, workers, json }) backfill.Options.Add(o);
        CommandAction.Set(backfill, async (ctx, ct) =>
        {
            // The run is recorded in the journal of the target database, where `switchyard runbook` looks for it.
            var server = await ctx.ConnectAsync(ct, LocalClusterOptions.DefaultDatabase).ConfigureAwait(false);
            var asJson = ctx.ParseResult.GetValue(json);
            var seed = new SeedOptions { Rows = ctx.ParseResult.GetValue(rows) };
            seed.Validate();
            var spec = SpecLoader.LoadFile(FlagshipSpecPath);
            await using var naive = await FreshLedgerAsync(server, NaiveDatabase, seed, !asJson, ct).ConfigureAwait(false);
            await using var loop = await FreshLedgerAsync(server, LoopDatabase, seed, !asJson, ct).ConfigureAwait(false);
            await using var ours = await FreshLedgerAsync(server, SwitchyardDatabase, seed, !asJson, ct).ConfigureAwait(false);
            var tps = ctx.ParseResult.GetValue(withLoad);
            // Under load, Switchyard's backfill also runs with no SLO, so its rows/s shows next to what the SLO allowed.
            await using var unthrottled = tps is null ? null : await FreshLedgerAsync(server, UnthrottledDatabase, seed, !asJson, ct).ConfigureAwait(false);
            // And the same traffic with no backfill for as long as Switchyard's side ran: how far p99 drifts on its own.
            await using var control = tps is null ? null : await FreshLedgerAsync(server, ControlDatabase, seed, !asJson, ct).ConfigureAwait(false);
            var ledgers = new BackfillBenchLedgers(naive, loop, ours, unthrottled, control);
            var warmUp = TimeSpan.FromSeconds(ctx.ParseResult.GetValue(warmUpSeconds));
            var window = ctx.ParseResult.GetValue(baselineSeconds);
            await using var load = tps is { } rate ? new BackfillForegroundLoad(ledgers, rate, warmUp, TimeSpan.FromSeconds(window)) : null;
            if (!asJson) CliOutput.Info(load is null
                ? $"Running {spec.Name}'s Expand on each ledger, then timing the naive UPDATE, the hand-written loop and Switchyard's backfill..."
                : $"Running {spec.Name}'s Expand on each ledger, then timing the naive UPDATE, the hand-written loop, Switchyard's backfill and the same with no latency SLO, each under {tps} ops/s of payments traffic after a {warmUp.TotalSeconds:0.#} s warm-up and a {window:0.#} s baseline window...");
            var result = await new BackfillBenchmark().RunAsync(ledgers, new BackfillBenchOptions
                {
                    ExpandSpec = spec,
                    Workers = ctx.ParseResult.GetValue(workers),
                    // Under payments traffic, Switchyard's side runs as `apply` runs it: with the default latency SLO.
                    LatencySlo = load is null ? LatencySloTarget.Off : LatencySloTarget.Default,
                    // Its baseline is the apps' latency over the same window the bench reports as the baseline.
                    Controller = new LatencySloOptions { App = new AppLatencyOptions { BaselineWindow = TimeSpan.FromSeconds(window) } },
                },
                load, asJson ? null : CliOutput.Info, ct).ConfigureAwait(false);
            var foreground = load is null ? null : new BackfillLoadFigures(load);
            var ourWindow = foreground?.Sides.Single(f => f.Side == BackfillBenchSide.Switchyard);
            await BackfillBenchRecord.RecordAsync(ctx.Sql(), result,
                ourWindow is null ? null : new BenchForeground(foreground!.LoadTps, ourWindow.BaselineP99Ms, ourWindow.P99Ms), ct).ConfigureAwait(false);
            if (asJson)
            {
                CliOutput.WriteJson(BackfillBenchOutput.Build(result, foreground));
                return 0;
            }
            BackfillBenchOutput.PrintTables(result, foreground);
            return 0;
        });
        bench.Subcommands.Add(backfill);
        bench.Subcommands.Add(FlagBenchCommand.Build());
        bench.Subcommands.Add(DdlLockBenchCommand.Build());
        return bench;
    }

    internal static async Task<NpgsqlDataSource> FreshLedgerAsync(ConnectionSettings server, string database, SeedOptions seed, bool showProgress, CancellationToken ct)
    {
        await using (var admin = DataSourceFactory.Create(server.ForDatabase("postgres")))
        {
            await using (var drop = admin.CreateCommand($"DROP DATABASE IF EXISTS {Ident.Quote(database)} WITH (FORCE)"))
                await drop.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            await using (var create = admin.CreateCommand($"CREATE DATABASE {Ident.Quote(database)}"))
                await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        var dataSource = DataSourceFactory.Create(server.ForDatabase(database), "switchyard-bench");
        if (showProgress) CliOutput.Info($"Seeding {seed.Rows:N0} transactions into {database}...");
        await LedgerCommands.SeedAsync(dataSource, seed, false, ct).ConfigureAwait(false);
        return dataSource;
    }
}
