using System.CommandLine;
using System.Globalization;
using Npgsql;
using Switchyard.Cli.Output;
using Switchyard.Core.Backfill.Bench;
using Switchyard.Core.Connections;
using Switchyard.Core.Execution;
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
        var rows = new Option<long>("--rows") { Description = "Transactions per ledger.", DefaultValueFactory = _ => 1_000_000 };
        rows.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<long>() < 1) r.AddError($"--rows must be at least 1, got {r.GetValueOrDefault<long>()}. Pass e.g. --rows 5000000.");
        });
        var workers = new Option<int>("--workers") { Description = "Backfill workers (default: the core count).", DefaultValueFactory = _ => Math.Clamp(Environment.ProcessorCount, 1, 8) };
        workers.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 64) r.AddError($"--workers must be between 1 and 64, got {r.GetValueOrDefault<int>()}.");
        });
        var foreignKey = new Option<bool>("--foreign-key") { Description = "Also add the NOT VALID foreign key on state_id before timing (both sides pay its check)." };
        var json = GlobalOptions.Json();
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
            if (!asJson) CliOutput.Info("Timing the naive UPDATE, then Switchyard's backfill...");
            var result = await new BackfillBenchmark().RunAsync(naive, ours,
                new BackfillBenchOptions { Workers = ctx.ParseResult.GetValue(workers), ForeignKey = ctx.ParseResult.GetValue(foreignKey) }, ct).ConfigureAwait(false);
            if (asJson)
            {
                CliOutput.WriteJson(result);
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
            return 0;
        });
        bench.Subcommands.Add(backfill);
        bench.Subcommands.Add(FlagBenchCommand.Build());
        return bench;
    }

    private static async Task<NpgsqlDataSource> FreshLedgerAsync(CliContext ctx, ConnectionSettings server, string database, SeedOptions seed, bool showProgress, CancellationToken ct)
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
