using Switchyard.Cli;
using System.CommandLine;
using System.Globalization;
using Switchyard.Cli.Options;
using Switchyard.Cli.Output;
using Switchyard.Samples.Ledger.Bench;
using Switchyard.Samples.Ledger.Seeding;

namespace Switchyard.Samples.Ledger.Cli.Commands;

/// <summary><c>switchyard-ledger bench ddl-lock</c>: readers' latency while an ALTER meets an open lock holder, four ways.</summary>
internal static class DdlLockBenchCommand
{
    private const string Database = "bench_ddl_lock";

    public static Command Build()
    {
        var command = new Command("ddl-lock", "In a fresh ledger, hold ACCESS SHARE on transactions for --hold-seconds while readers run, and measure their p50/p99/max with no DDL, a plain ALTER, a lock_timeout retry loop and Switchyard's runner.");
        var hold = CliOptions.Number("--hold-seconds", "How long the holder's transaction stays open, per mode.", 10d, 0.1, 3600, "10");
        var readers = CliOptions.Number("--readers", "Reader/writer sessions (primary-key reads, one in five a tiny update).", 4, 1, 64, "4");
        var rate = CliOptions.Number("--rate", "Operations per second over all readers (open loop).", 200, 1, 100_000, "200");
        var rows = CliOptions.Number("--rows", "Transactions in the benchmark ledger.", 50_000L, 1, long.MaxValue, "50000");
        var json = GlobalOptions.Json();
        command.Options.Add(hold);
        command.Options.Add(readers);
        command.Options.Add(rate);
        command.Options.Add(rows);
        command.Options.Add(json);
        CommandAction.Set(command, async (ctx, ct) =>
        {
            var options = new DdlLockBenchOptions
            {
                Hold = TimeSpan.FromSeconds(ctx.ParseResult.GetValue(hold)),
                Readers = ctx.ParseResult.GetValue(readers),
                OpsPerSecond = ctx.ParseResult.GetValue(rate),
            };
            options.Validate();
            var seed = new SeedOptions { Rows = ctx.ParseResult.GetValue(rows) };
            seed.Validate();
            var asJson = ctx.ParseResult.GetValue(json);
            var server = await ctx.ConnectAsync(ct).ConfigureAwait(false);
            await using var ledger = await BenchCommands.FreshLedgerAsync(server, Database, seed, !asJson, ct).ConfigureAwait(false);
            var progress = asJson ? null : new Progress<string>(CliOutput.Info);
            var result = await new DdlLockBenchmark(ledger.ConnectionString).RunAsync(options, progress, ct).ConfigureAwait(false);
            if (asJson)
            {
                CliOutput.WriteJson(result);
                return 0;
            }
            static string Ms(double v) => v.ToString("F2", CultureInfo.InvariantCulture);
            CliOutput.Table($"Readers' latency while a holder keeps ACCESS SHARE for {result.HoldSeconds:F1} s ({result.Readers} readers, {result.OpsPerSecond} ops/s open loop)",
                ["mode", "ops", "failed", "p50 ms", "p99 ms", "max ms", "p99 / baseline", "ops waited behind DDL (while held)", "DDL attempts", "DDL done after release"],
                [.. result.Modes.Select(m => new[]
                {
                    m.Description, m.Operations.ToString(CultureInfo.InvariantCulture), m.Failed.ToString(CultureInfo.InvariantCulture),
                    Ms(m.P50Ms), Ms(m.P99Ms), Ms(m.MaxMs), m.P99Ratio.ToString("F2", CultureInfo.InvariantCulture),
                    $"{m.OpsWaitedBehindDdl.ToString(CultureInfo.InvariantCulture)} ({m.OpsWaitedWhileHeld.ToString(CultureInfo.InvariantCulture)})", m.DdlAttempts.ToString(CultureInfo.InvariantCulture),
                    m.DdlDoneAfterReleaseMs is { } a ? $"{a:F0} ms" : "-",
                })]);
            return 0;
        });
        return command;
    }
}
