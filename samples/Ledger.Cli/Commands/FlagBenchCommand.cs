using Switchyard.Cli;
using Switchyard.Core.LocalPostgres;
using System.CommandLine;
using System.Globalization;
using Npgsql;
using Switchyard.Cli.Options;
using Switchyard.Cli.Output;
using Switchyard.Compat.Bench;
using Switchyard.Core.Connections;
using Switchyard.Core.Journal;

namespace Switchyard.Samples.Ledger.Cli.Commands;

/// <summary><c>switchyard-ledger bench flags</c>: flag-flip latency to N Switchyard.Compat instances through NOTIFY.</summary>
internal static class FlagBenchCommand
{
    public static Command Build()
    {
        var flags = new Command("flags", "Flip a benchmark flag N times and time how long each of M library instances takes to apply it (NOTIFY only, polling off); baseline: the UPDATE's own round trip.");
        var instances = CliOptions.Number("--instances", "Library instances, each with its own pool and LISTEN connection (at most 150: each holds a connection).", 20, 1, 150, "20");
        var flips = CliOptions.Number("--flips", "Flips, one at a time.", 30, 1, int.MaxValue, "30");
        var json = GlobalOptions.Json();
        flags.Options.Add(instances);
        flags.Options.Add(flips);
        flags.Options.Add(json);
        CommandAction.Set(flags, async (ctx, ct) =>
        {
            var target = await ctx.ConnectAsync(ct, LocalClusterOptions.DefaultDatabase).ConfigureAwait(false);
            await JournalSchema.EnsureAsync(ctx.Sql(), ct).ConfigureAwait(false);
            var options = new FlagFlipBenchOptions { Instances = ctx.ParseResult.GetValue(instances), Flips = ctx.ParseResult.GetValue(flips) };
            var result = await FlagFlipBenchmark.RunAsync(ctx.DataSource,
                i => DataSourceFactory.Create(new NpgsqlConnectionStringBuilder(target.ConnectionString) { ApplicationName = $"switchyard-bench-flags-{i}" }.ConnectionString),
                options, ct).ConfigureAwait(false);
            if (ctx.ParseResult.GetValue(json))
            {
                CliOutput.WriteJson(new
                {
                    instances = result.Instances, flips = result.Flips, observations = result.Observations,
                    by_notification = result.ByNotification, by_poll = result.ByPoll,
                    p50_ms = result.P50Ms, p95_ms = result.P95Ms, max_ms = result.MaxMs,
                    baseline_update_p50_ms = result.BaselineP50Ms, baseline_update_max_ms = result.BaselineMaxMs, ratio = result.Ratio,
                });
                return 0;
            }
            string Ms(double v) => v.ToString("F2", CultureInfo.InvariantCulture);
            CliOutput.Table("Flag flip latency", ["measure", "value"],
            [
                ["instances × flips", $"{result.Instances} × {result.Flips} = {result.Observations} observations"],
                ["applied via NOTIFY / poll", $"{result.ByNotification} / {result.ByPoll}"],
                ["flip → instance p50 / p95 / max", $"{Ms(result.P50Ms)} / {Ms(result.P95Ms)} / {Ms(result.MaxMs)} ms"],
                ["baseline: UPDATE round trip p50 / max", $"{Ms(result.BaselineP50Ms)} / {Ms(result.BaselineMaxMs)} ms"],
            ]);
            CliOutput.Plain($"ratio (flip p50 / UPDATE p50): {result.Ratio.ToString("F2", CultureInfo.InvariantCulture)}");
            return 0;
        });
        return flags;
    }
}
