using Switchyard.Cli;
using Switchyard.Cli.Commands;
using System.CommandLine;
using System.Globalization;
using Npgsql;
using Spectre.Console;
using Switchyard.Cli.Options;
using Switchyard.Cli.Output;
using Switchyard.Core;
using Switchyard.Core.Operations;
using Switchyard.Samples.Ledger.Invariants;
using Switchyard.Samples.Ledger.Seeding;
using Switchyard.Samples.Ledger.Schema;

namespace Switchyard.Samples.Ledger.Cli.Commands;

/// <summary><c>switchyard-ledger ledger seed|invariants</c>: the sample card-payments ledger.</summary>
internal static class LedgerCommands
{
    /// <summary>The database the ledger lives in on the managed cluster.</summary>
    public const string ManagedDatabase = "ledger";

    public static Command Build()
    {
        var ledger = new Command("ledger", "The sample card-payments ledger (legacy shape: transactions.status text).");

        var seed = new Command("seed", "Create the ledger tables and load N transactions with binary COPY.");
        var rows = CliOptions.Number("--rows", "Transactions to load.", 100_000L, 0, long.MaxValue, "100000");
        var replace = new Option<bool>("--replace") { Description = "Drop an existing ledger in the target database first." };
        var partitioned = new Option<bool>("--partitioned") { Description = "Range-partition transactions by created_at, one partition per month (at least 12) plus a DEFAULT partition." };
        var json = GlobalOptions.Json();
        seed.Options.Add(rows);
        seed.Options.Add(replace);
        seed.Options.Add(partitioned);
        seed.Options.Add(json);
        CommandAction.Set(seed, async (ctx, ct) =>
        {
            var options = new SeedOptions { Rows = ctx.ParseResult.GetValue(rows), Partitioned = ctx.ParseResult.GetValue(partitioned) };
            options.Validate();
            var target = await ctx.ConnectAsync(ct, ManagedDatabase).ConfigureAwait(false);
            if (!ctx.ParseResult.GetValue(replace) && await HasLedgerRowsAsync(ctx.DataSource, ct).ConfigureAwait(false))
            {
                throw new SwitchyardException($"{target.Describe()} already holds a ledger with transactions; seeding would drop it.",
                    "Pass --replace to drop and reseed it, or name another database with --connection.");
            }
            var result = await SeedAsync(ctx.DataSource, options, !ctx.ParseResult.GetValue(json), ct).ConfigureAwait(false);
            if (ctx.ParseResult.GetValue(json))
            {
                CliOutput.WriteJson(new { database = target.Describe(), connection_string = target.Redacted(), result.Transactions, result.Accounts, result.Merchants, result.Chargebacks, copy_seconds = result.CopyElapsed.TotalSeconds, total_seconds = result.TotalElapsed.TotalSeconds, copy_rows_per_second = result.CopyRowsPerSecond, total_rows_per_second = result.TotalRowsPerSecond });
            }
            else
            {
                PrintSeed(result);
                CliOutput.Plain($"database: {target.Describe()}");
            }
            return 0;
        });

        var invariants = new Command("invariants", "Print the ledger invariants: row count, Σ amounts, balance checksum, status/state agreement.");
        var invJson = GlobalOptions.Json();
        var invSpec = new Option<string?>("--spec") { Description = "Migration spec whose mapping (aliases, unmapped policy) judges status/state agreement, as `validate --spec` does. Default: the ledger flagship." };
        invariants.Options.Add(invJson);
        invariants.Options.Add(invSpec);
        CommandAction.Set(invariants, async (ctx, ct) =>
        {
            var mapping = ctx.ParseResult.GetValue(invSpec) is { } invSpecPath ? ValidateCommands.TargetOf(invSpecPath).Target : LedgerFlagship.Target();
            await ctx.ConnectAsync(ct, ManagedDatabase).ConfigureAwait(false);
            var inv = await LedgerInvariantsReader.ReadAsync(ctx.DataSource, null, mapping, ct).ConfigureAwait(false);
            if (ctx.ParseResult.GetValue(invJson)) CliOutput.WriteJson(inv);
            else CliOutput.Plain(inv.ToString());
            return 0;
        });

        ledger.Subcommands.Add(seed);
        ledger.Subcommands.Add(invariants);
        return ledger;
    }

    /// <summary>Seeds with a progress bar on a terminal, plain output otherwise.</summary>
    public static async Task<SeedResult> SeedAsync(NpgsqlDataSource dataSource, SeedOptions options, bool showProgress, CancellationToken ct)
    {
        var seeder = new LedgerSeeder(dataSource);
        if (!showProgress || !AnsiConsole.Profile.Capabilities.Interactive)
            return await seeder.SeedAsync(options, null, ct).ConfigureAwait(false);
        SeedResult? result = null;
        await AnsiConsole.Progress().StartAsync(async progress =>
        {
            var task = progress.AddTask("COPY transactions", maxValue: Math.Max(1, options.Rows));
            result = await seeder.SeedAsync(options, new Progress<long>(n => task.Value = n), ct).ConfigureAwait(false);
            task.Value = task.MaxValue;
        }).ConfigureAwait(false);
        return result!;
    }

    public static void PrintSeed(SeedResult r)
    {
        CliOutput.Table("Ledger seeded", ["what", "value"],
        [
            ["transactions", r.Transactions.ToString("N0", CultureInfo.InvariantCulture)],
            ["accounts", r.Accounts.ToString("N0", CultureInfo.InvariantCulture)],
            ["merchants", r.Merchants.ToString("N0", CultureInfo.InvariantCulture)],
            ["chargebacks", r.Chargebacks.ToString("N0", CultureInfo.InvariantCulture)],
            ["COPY rate", $"{r.CopyRowsPerSecond:N0} rows/s ({r.CopyElapsed.TotalSeconds:F2} s)"],
            ["with indexes + ANALYZE", $"{r.TotalRowsPerSecond:N0} rows/s ({r.TotalElapsed.TotalSeconds:F2} s)"],
        ]);
        CliOutput.Plain($"seeded rows: {r.Transactions}");
    }

    private static async Task<bool> HasLedgerRowsAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        // A partitioned parent has no pages of its own: look at its partitions' statistics too.
        await using var cmd = new NpgsqlCommand("""
            SELECT to_regclass('transactions') IS NOT NULL AND EXISTS (
                SELECT 1 FROM pg_class c WHERE (c.oid = to_regclass('transactions') OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = to_regclass('transactions')))
                AND (c.reltuples > 0 OR c.relpages > 0))
            """, conn);
        return (bool)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }
}
