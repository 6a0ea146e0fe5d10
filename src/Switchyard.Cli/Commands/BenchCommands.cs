using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Switchyard.Cli.Options;
using Switchyard.Cli.Output;
using Switchyard.Core;
using Switchyard.Core.Backfill.Bench;
using Switchyard.Core.Connections;
using Switchyard.Core.Execution;
using Switchyard.Samples.Ledger.Bench;
using Switchyard.Samples.Ledger.Seeding;

namespace Switchyard.Cli.Commands;

/// <summary><c>switchyard bench backfill</c>: naive single UPDATE vs Switchyard's backfill on two identical fresh ledgers.</summary>
internal static class BenchCommands
{
    private const string NaiveDatabase = "bench_backfill_naive";
    private const string SwitchyardDatabase = "bench_backfill_switchyard";

    public static Command Build()
    {
        var bench = new Command("bench", "Benchmarks that print ratios against a baseline measured in the same run.");
        var backfill = new Command("backfill", "Seed two identical ledgers, prepare both to the post-Expand shape, time the naive single UPDATE and Switchyard's backfill.");
        var rows = CliOptions.Number("--rows", "Transactions per ledger.", 1_000_000L, 1, long.MaxValue, "5000000");
        var workers = CliOptions.Number("--workers", "Backfill workers (default: the core count).", Math.Clamp(Environment.ProcessorCount, 1, 8), 1, 64, "4");
        var foreignKey = new Option<bool>("--foreign-key") { Description = "Also add the NOT VALID foreign key on state_id before timing (both sides pay its check)." };
        var withLoad = CliOptions.OptionalNumber("--with-load", "Run the payments workload (app v1) at this many operations per second against each ledger: a baseline window, then during its backfill; adds the foreground p99 with and without each backfill.", 1d, 1_000_000d, "100");
        var baselineSeconds = CliOptions.Number("--baseline-seconds", "With --with-load: the no-backfill window measured before each side.", 5d, 0.1, 3600, "5");
        var json = GlobalOptions.Json();
        backfill.Options.Add(withLoad);
        backfill.Options.Add(baselineSeconds);
        backfill.Options.Add(rows);
        backfill.Options.Add(workers);
        backfill.Options.Add(foreignKey);
        backfill.Options.Add(json);
        CommandAction.Set(backfill, async (ctx, ct) =>
        {
            var server = await ctx.ConnectAsync(ct).ConfigureAwait(false);
            var asJson = ctx.ParseResult.GetValue(json);
            var seed = new SeedOptions { Rows = ctx.ParseResult.GetValue(rows) };
            seed.Validate();
            await using var naive = await FreshLedgerAsync(ctx, server, NaiveDatabase, seed, !asJson, ct).ConfigureAwait(false);
            await using var ours = await FreshLedgerAsync(ctx, server, SwitchyardDatabase, seed, !asJson, ct).ConfigureAwait(false);
            var tps = ctx.ParseResult.GetValue(withLoad);
            var window = ctx.ParseResult.GetValue(baselineSeconds);
            await using var load = tps is { } rate ? new BackfillForegroundLoad(naive, ours, rate, TimeSpan.FromSeconds(window)) : null;
            if (!asJson) CliOutput.Info(load is null ? "Timing the naive UPDATE, then Switchyard's backfill..." : $"Timing the naive UPDATE, then Switchyard's backfill, each under {tps} ops/s of payments traffic after a {window:0.#} s baseline window...");
            var result = await new BackfillBenchmark().RunAsync(naive, ours,
                new BackfillBenchOptions { Workers = ctx.ParseResult.GetValue(workers), ForeignKey = ctx.ParseResult.GetValue(foreignKey) }, load, ct).ConfigureAwait(false);
            var foreground = load is null ? null : new BackfillLoadFigures(load);
            if (asJson)
            {
                var node = JsonSerializer.SerializeToNode(result, CliOutput.Json)!.AsObject();
                if (foreground is not null)
                {
                    foreach (var (key, value) in foreground.Fields()) node[key] = JsonValue.Create(value);
                }
                CliOutput.WriteJson(node);
                return 0;
            }
            CliOutput.Table("Backfill benchmark", ["measure", "naive UPDATE", "switchyard"],
            [
                ["rows", result.Rows.ToString("N0", CultureInfo.InvariantCulture), result.Rows.ToString("N0", CultureInfo.InvariantCulture)],
                ["seconds", result.NaiveSeconds.ToString("F2", CultureInfo.InvariantCulture), result.SwitchyardSeconds.ToString("F2", CultureInfo.InvariantCulture)],
                ["rows updated", result.NaiveRowsUpdated.ToString("N0", CultureInfo.InvariantCulture), result.SwitchyardRowsUpdated.ToString("N0", CultureInfo.InvariantCulture)],
                ["WAL bytes", result.NaiveWalBytes.ToString("N0", CultureInfo.InvariantCulture), result.SwitchyardWalBytes.ToString("N0", CultureInfo.InvariantCulture)],
                ["workers / batches", "1 / 1", $"{result.Workers} / {result.Batches} (p50 {result.BatchRowsP50} rows, {result.BatchMsP50:F0} ms)"],
            ]);
            CliOutput.Plain($"ratio (naive / switchyard): {result.Ratio.ToString("F2", CultureInfo.InvariantCulture)}");
            if (foreground is not null)
            {
                CliOutput.Table($"Foreground payments traffic at {foreground.LoadTps:0.#} ops/s", ["window", "p99 ms", "max ms", "failed or rejected"],
                [
                    ["baseline (no backfill, naive ledger)", F(foreground.BaselineP99Ms), F(foreground.BaselineMaxMs), foreground.BaselineFailed.ToString(CultureInfo.InvariantCulture)],
                    ["during the naive UPDATE", F(foreground.NaiveP99Ms), F(foreground.NaiveMaxMs), foreground.NaiveFailed.ToString(CultureInfo.InvariantCulture)],
                    ["baseline (no backfill, switchyard ledger)", F(foreground.SwitchyardBaselineP99Ms), F(foreground.SwitchyardBaselineMaxMs), foreground.SwitchyardBaselineFailed.ToString(CultureInfo.InvariantCulture)],
                    ["during Switchyard's backfill", F(foreground.SwitchyardP99Ms), F(foreground.SwitchyardMaxMs), foreground.SwitchyardFailed.ToString(CultureInfo.InvariantCulture)],
                ]);
                CliOutput.Plain($"foreground p99 ratio (during / baseline): naive {F(foreground.NaiveP99Ratio)}, switchyard {F(foreground.SwitchyardP99Ratio)}");
            }
            return 0;
        });
        bench.Subcommands.Add(backfill);
        bench.Subcommands.Add(FlagBenchCommand.Build());
        bench.Subcommands.Add(DdlLockBenchCommand.Build());
        return bench;
    }

    private static string F(double v) => v.ToString("F2", CultureInfo.InvariantCulture);

    internal static async Task<NpgsqlDataSource> FreshLedgerAsync(CliContext ctx, ConnectionSettings server, string database, SeedOptions seed, bool showProgress, CancellationToken ct)
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
        _ = ctx;
        return dataSource;
    }
}
