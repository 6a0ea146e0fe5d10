using Switchyard.Cli;
using Switchyard.Cli.Commands;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Switchyard.Cli.Options;
using Switchyard.Cli.Output;
using Switchyard.Core;
using Switchyard.Core.Operations;
using Switchyard.Core.Validation;
using Switchyard.Samples.Ledger.Seeding;
using Switchyard.Samples.Ledger.Validation;
using Switchyard.Samples.Ledger.Schema;

namespace Switchyard.Samples.Ledger.Cli.Commands;

/// <summary>
/// <c>switchyard-ledger bench validate</c>: seeds a ledger, brings it to the validated shape (stand-in migration), then times a
/// plain count(*) and the full mismatch check in the same run, several times, and prints the ratio.
/// </summary>
internal static class ValidateBenchCommand
{
    public const string ManagedDatabase = "bench_validate";

    /// <summary>Adds <c>validate</c> to the shared <c>bench</c> command.</summary>
    public static Command AddTo(Command bench)
    {
        var validate = new Command("validate", "Time the full mismatch check against a plain SELECT count(*) over the same table (target: ratio ≤ 1.5).");
        var rows = CliOptions.Number("--rows", "Transactions to seed.", 5_000_000L, 1, long.MaxValue, "5000000");
        var repeat = CliOptions.Number("--repeat", "Measured rounds (after one warm-up count and mismatch check).", 3, 1, 100, "3");
        var reuse = new Option<bool>("--reuse") { Description = "Reuse a ledger already seeded and migrated by an earlier bench run in the target database." };
        var replace = new Option<bool>("--replace") { Description = "Drop an existing ledger in a database named with --connection." };
        var json = GlobalOptions.Json();
        var tuning = ValidateCommands.Tuning();
        foreach (var o in new Option[] { rows, repeat, reuse, replace, json }.Concat(tuning.All)) validate.Options.Add(o);

        CommandAction.Set(validate, async (ctx, ct) =>
        {
            var options = tuning.Read(ctx.ParseResult) with { Shape = MigrationShape.Validated };
            options.Validate();
            var target = await ctx.ConnectAsync(ct, ManagedDatabase).ConfigureAwait(false);
            var sql = ctx.Sql(new Core.Execution.SafeSqlOptions { StatementTimeout = TimeSpan.FromMinutes(10) });
            var flagship = LedgerFlagship.Target();
            var suite = new ValidationSuite(sql, flagship, LedgerFlagship.Reconciliation(), options);
            var facts = (await suite.ScopeAsync(ct).ConfigureAwait(false)).Facts;
            var load = ReadLoadAverage();
            TimeSpan? seedTime = null, shapeTime = null;
            if (!ctx.ParseResult.GetValue(reuse) || !facts.HasTargetColumn)
            {
                if (facts.TableExists && !target.IsManagedCluster && !ctx.ParseResult.GetValue(replace))
                    throw new SwitchyardException($"{target.Describe()} already holds a ledger; the bench would drop it.", "Pass --replace, or leave --connection out to use the managed cluster's bench_validate database.");
                var watch = Stopwatch.StartNew();
                await new LedgerSeeder(ctx.DataSource).SeedAsync(new SeedOptions { Rows = ctx.ParseResult.GetValue(rows) }, null, ct).ConfigureAwait(false);
                seedTime = watch.Elapsed;
                watch.Restart();
                await MigratedLedgerShape.ApplyAsync(ctx.DataSource, MigrationShape.Validated, ct).ConfigureAwait(false);
                shapeTime = watch.Elapsed;
            }

            // Warm-up, not measured: both sides then read a warm cache, and the first check's .NET code is compiled
            // (tiered compilation in the background otherwise competes with the scan for the cores in early rounds).
            await SeqScanBaseline.MeasureAsync(sql, flagship.Table, ct).ConfigureAwait(false);
            await suite.RunAsync(["mismatch"], false, ct).ConfigureAwait(false);
            string? lastDetail = null;
            var rounds = new List<(double Count, double Mismatch, long Rows, long Examined, long Failures, double Plain)>();
            for (var i = 0; i < ctx.ParseResult.GetValue(repeat); i++)
            {
                var (counted, scan) = await SeqScanBaseline.MeasureAsync(sql, flagship.Table, ct).ConfigureAwait(false);
                var (_, plain) = await SeqScanBaseline.MeasurePlainAsync(sql, flagship.Table, ct).ConfigureAwait(false);
                var mismatch = (await suite.RunAsync(["mismatch"], false, ct).ConfigureAwait(false)).Results.Single();
                lastDetail = mismatch.Detail;
                rounds.Add((scan.TotalSeconds, mismatch.Duration.TotalSeconds, counted, mismatch.RowsExamined, mismatch.Failures, plain.TotalSeconds));
            }
            var ratios = rounds.Select(r => r.Mismatch / r.Count).Order().ToList();
            var median = ratios.Count == 0 ? double.NaN : ratios[ratios.Count / 2];
            var plainRatios = rounds.Select(r => r.Mismatch / r.Plain).Order().ToList();
            var plainMedian = plainRatios.Count == 0 ? double.NaN : plainRatios[plainRatios.Count / 2];
            if (ctx.ParseResult.GetValue(json))
            {
                CliOutput.WriteJson(new
                {
                    database = target.Describe(),
                    rows = rounds.FirstOrDefault().Rows,
                    workers = options.Workers,
                    chunk_keys = options.ChunkKeys,
                    single_pass_max_bytes = options.SinglePassMaxBytes,
                    mismatch_detail = lastDetail,
                    load_average_at_start = load,
                    seed_seconds = seedTime?.TotalSeconds,
                    migrate_shape_seconds = shapeTime?.TotalSeconds,
                    rounds = rounds.Select(r => new { seq_scan_seconds = r.Count, plain_count_seconds = r.Plain, mismatch_seconds = r.Mismatch, ratio = r.Mismatch / r.Count, ratio_to_plain_count = r.Mismatch / r.Plain, rows_examined = r.Examined, failures = r.Failures }),
                    median_ratio = median,
                    median_ratio_to_plain_count = plainMedian,
                    target_ratio = 1.5,
                });
            }
            else
            {
                CliOutput.Table($"bench validate: {rounds.FirstOrDefault().Rows:N0} rows, {options.Workers} workers, {options.ChunkKeys:N0} keys per chunk (load average {load})",
                    ["round", "count(*) heap scan s", "count(*) planner's plan s", "mismatch s", "ratio to heap scan", "ratio to planner's count"],
                    rounds.Select((r, i) => (IReadOnlyList<string>)[(i + 1).ToString(CultureInfo.InvariantCulture), $"{r.Count:F3}", $"{r.Plain:F3}", $"{r.Mismatch:F3}", $"{r.Mismatch / r.Count:F2}", $"{r.Mismatch / r.Plain:F2}"]));
                CliOutput.Plain($"mismatch: {lastDetail}");
                CliOutput.Plain($"median ratio mismatch / count(*): {median:F2} over the heap, {plainMedian:F2} over the planner's count (target ≤ 1.5)");
            }
            return 0;
        });
        bench.Subcommands.Add(validate);
        return bench;
    }

    private static string ReadLoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
