using Switchyard.Compat.Latency;
using Switchyard.Cli;
using Switchyard.Core.LocalPostgres;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using Switchyard.Cli.Options;
using Switchyard.Cli.Output;
using Switchyard.Core.Connections;
using Switchyard.Samples.Ledger.App.V1;
using Switchyard.Samples.Ledger.Workload;

namespace Switchyard.Samples.Ledger.Cli.Commands;

/// <summary><c>switchyard-ledger workload run</c>: open-loop payments traffic against the sample ledger, with latency percentiles.</summary>
internal static partial class WorkloadCommands
{
    public static Command Build()
    {
        var workload = new Command("workload", "Payments traffic against the sample ledger (open loop, HdrHistogram latencies).");
        var run = new Command("run", "Drive a fixed rate of authorizations, captures, settlements, refunds, chargebacks, balance and risk reads, and the regulatory report.");
        var tps = CliOptions.Number("--tps", "Operations started per second, whatever the latency.", 100d, 0.001, 1_000_000, "200");
        var duration = new Option<TimeSpan>("--duration")
        {
            Description = "How long to run: 30s, 2m, 1m30s, 500ms, or plain seconds.",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(30),
            CustomParser = ParseDuration,
        };
        var maxInFlight = CliOptions.Number("--max-in-flight", "Operations in flight at once (and pooled connections).", 32, 1, 10_000, "32");
        var reportEvery = new Option<TimeSpan>("--report-every")
        {
            Description = "Interval of the regulatory report.",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(5),
            CustomParser = ParseDuration,
        };
        var json = GlobalOptions.Json();
        run.Options.Add(tps);
        run.Options.Add(duration);
        run.Options.Add(maxInFlight);
        run.Options.Add(reportEvery);
        run.Options.Add(json);
        CommandAction.Set(run, async (ctx, ct) =>
        {
            var options = new WorkloadOptions
            {
                OperationsPerSecond = ctx.ParseResult.GetValue(tps),
                Duration = ctx.ParseResult.GetValue(duration),
                MaxInFlight = ctx.ParseResult.GetValue(maxInFlight),
                RegulatoryReportInterval = ctx.ParseResult.GetValue(reportEvery),
            };
            options.Validate();
            var target = await ctx.ConnectAsync(ct, LocalClusterOptions.DefaultDatabase).ConfigureAwait(false);
            var builder = new NpgsqlConnectionStringBuilder(target.ConnectionString) { ApplicationName = "ledger-app-v1" };
            builder.MaxPoolSize = Math.Max(builder.MaxPoolSize, options.MaxInFlight + 4);
            await using var apps = DataSourceFactory.Create(builder.ConnectionString);
            // Open the pool before the clock starts, so the first second does not measure connection setup.
            var warm = await Task.WhenAll(Enumerable.Range(0, Math.Min(options.MaxInFlight, 16)).Select(_ => apps.OpenConnectionAsync(ct).AsTask())).ConfigureAwait(false);
            foreach (var connection in warm) await connection.DisposeAsync().ConfigureAwait(false);
            if (!ctx.ParseResult.GetValue(json))
                CliOutput.Info($"{options.OperationsPerSecond:0.#} ops/s for {options.Duration.TotalSeconds:0.#} s against {target.Describe()} (app v1, ≤{options.MaxInFlight} in flight)");

            // As a payments service using Switchyard.Compat would: its latency is what `apply`'s latency SLO holds.
            var latency = new LatencyFeed();
            await using var publisher = await LatencyPublisher.StartAsync(apps, latency, ct: ct).ConfigureAwait(false);
            await using var running = await PaymentsWorkload.StartAsync(options with { LatencyFeed = latency }, ctx.DataSource, [new FleetMember(new LedgerAppV1(apps), 1)], ct).ConfigureAwait(false);
            var report = await running.RunToEndAsync(ct).ConfigureAwait(false);
            if (ctx.ParseResult.GetValue(json)) CliOutput.WriteJson(report);
            else Print(report);
            return report.TotalFailed == 0 ? 0 : 1;
        });
        workload.Subcommands.Add(run);
        return workload;
    }

    private static void Print(WorkloadReport report)
    {
        static string Ms(double ms) => ms.ToString("0.00", CultureInfo.InvariantCulture);
        static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
        // Snake-case names as in --json; rejected steps go in the run summary so the table fits 80 columns.
        static string Name(OperationKind kind) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString());
        CliOutput.Table("Payments workload (latency in ms from each operation's intended start)",
            ["operation", "count", "failed", "p50", "p95", "p99", "max"],
            report.Operations.Select(o => (IReadOnlyList<string>)[Name(o.Kind), N(o.Count), N(o.Failed), Ms(o.P50Ms), Ms(o.P95Ms), Ms(o.P99Ms), Ms(o.MaxMs)])
                .Append(["all", N(report.TotalOperations), N(report.TotalFailed), Ms(report.Latency.P50Ms), Ms(report.Latency.P95Ms), Ms(report.Latency.P99Ms), Ms(report.Latency.MaxMs)]));
        CliOutput.KeyValues("Run",
        [
            ("target rate", $"{report.TargetOperationsPerSecond:0.#} ops/s"),
            ("achieved rate", $"{report.AchievedOperationsPerSecond:0.#} ops/s over {report.ElapsedSeconds:0.##} s"),
            ("started late", $"{N(report.StartedLate)} (max start lag {Ms(report.MaxStartLagMs)} ms)"),
            ("rejected steps", $"{N(report.TotalRejected)} (row not in the expected state)"),
            .. report.Versions.Select(v => ($"app {v.Version}", $"{N(v.Operations)} ops, {N(v.Failed)} failed")),
        ]);
        foreach (var failed in report.Operations.Where(o => o.Errors.Count > 0))
        {
            foreach (var error in failed.Errors) CliOutput.Warn($"{failed.Kind}: {error}");
        }
    }

    /// <summary>"30s", "500ms", "2m", "1h", "1m30s", or plain seconds.</summary>
    internal static TimeSpan ParseDuration(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (Core.Spec.DurationText.TryParse(text, out var duration) && duration > TimeSpan.Zero) return duration;
        result.AddError($"{(result.Parent as OptionResult)?.Option.Name ?? "duration"}: '{text}' is not a positive duration. Use a form such as 30s, 2m, 1m30s or 500ms.");
        return default;
    }
}
