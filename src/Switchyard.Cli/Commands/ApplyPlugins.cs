using Microsoft.Extensions.Logging;
using System.CommandLine;
using System.Globalization;
using Switchyard.Cli.Options;
using Switchyard.Cli.Output;
using Switchyard.Core;
using Switchyard.Core.Backfill;
using Switchyard.Core.Engine;
using Switchyard.Core.Execution;
using Switchyard.Core.Guards;
using Switchyard.Core.Guards.Slo;
using Switchyard.Core.Spec;
using Switchyard.Core.Validation;

namespace Switchyard.Cli.Commands;

/// <summary>
/// What <c>apply</c> plugs into the engine: the parallel backfill, the full validation suite as the gate, and the
/// guards (replication lag, slots, long transactions, lock waits, WAL rate, mismatch rate) asked before every batch.
/// </summary>
internal static class ApplyPlugins
{
    public static readonly Option<int> Workers = CliOptions.Number("--workers", "Parallel backfill workers on disjoint key ranges.", Math.Clamp(Environment.ProcessorCount, 1, 8), 1, 64, "4");

    public static readonly Option<double> MaxRowsPerSecond = CliOptions.Number("--max-rows-per-second", "Backfill rate limit (0 = none).", 0d, 0, double.MaxValue, "20000");

    public static readonly Option<string[]> Standbys = StandbyConnections.Option("NAME=CONNECTION of a standby whose replay the guards watch via a heartbeat (repeatable). The managed cluster's standbys are included.");

    public static readonly Option<bool> NoGuards = new("--no-guards") { Description = "Run without guards (not for production)." };

    public static readonly Option<LatencySloTarget> LatencySlo = CliOptions.LatencySlo("--latency-slo",
        "Foreground p99 the backfill keeps (see --latency-source): a multiple of the baseline measured before it starts (1.5x), a latency (25ms), or off. The backfill runs as fast as it can within it.");

    public static readonly Option<LatencySource> LatencySourceOption = CliOptions.Enum("--latency-source",
        "Which p99 the SLO holds: auto (the apps' Switchyard.Compat latency feed when they publish one, else the canary probe), app, or canary.", LatencySource.Auto);

    public static readonly Option<int?> ParallelWorkers = CliOptions.OptionalNumber("--parallel-workers",
        "PostgreSQL parallel workers each of Switchyard's own heavy statements may add beside the application: the validation gate's scans, the row-proof gates' counts and index builds. 0 keeps each to one process (one core). Default: 1 for the validation gate, the server's settings for the rest.", 0, 64, "0");

    public static readonly Option<int> MetricsPort = CliOptions.Number("--metrics-port", "Serve Prometheus metrics on 127.0.0.1:PORT while running (0 = off).", 0, 0, 65535, "9187");

    public static void AddTo(Command command)
    {
        foreach (var option in new Option[] { Workers, MaxRowsPerSecond, Standbys, NoGuards, LatencySlo, LatencySourceOption, ParallelWorkers, MetricsPort }) command.Options.Add(option);
    }

    /// <summary>Builds the engine with every plug-in; dispose the result to stop the guards and the metrics endpoint.</summary>
    public static Task<PluggedEngine> BuildAsync(CliContext ctx, SafeSqlRunner sql, int initialBatchKeys, MigrationSpec spec, CancellationToken ct) =>
        BuildAsync(ctx, sql, initialBatchKeys, spec, StandbyConnections.Resolve(ctx, Standbys), null, ct);

    /// <param name="standbys">Standby name → connection of the database the guards watch replay on.</param>
    /// <param name="shard">On a fleet: the shard, whose rows/s come from the fleet's shared budget (no metrics endpoint per shard).</param>
    public static async Task<PluggedEngine> BuildAsync(CliContext ctx, SafeSqlRunner sql, int initialBatchKeys, MigrationSpec spec,
        IReadOnlyDictionary<string, string> standbys, FleetShardPlug? shard, CancellationToken ct)
    {
        var parse = ctx.ParseResult;
        var resources = new List<IAsyncDisposable>();
        var throttles = new List<IBackfillThrottle>();
        if (shard?.Budget is { } budget) throttles.Add(budget.Share(shard.Name));
        else if (shard is null && parse.GetValue(MaxRowsPerSecond) is > 0 and var rate) throttles.Add(new RowRateThrottle(rate));
        if (!parse.GetValue(NoGuards))
        {
            var guards = await GuardSet.CreateAsync(sql.DataSource, spec.Guards.ApplyTo(new GuardOptions { StandbyConnections = new Dictionary<string, string>(standbys, StringComparer.Ordinal) }), ct, loggers: ctx.LoggerFactory).ConfigureAwait(false);
            resources.Add(guards);
            throttles.Add(guards);
        }
        var slo = await CreateSloAsync(sql.DataSource, ctx, parse.GetValue(NoGuards) ? null : parse.GetValue(LatencySlo), parse.GetValue(LatencySourceOption), ct).ConfigureAwait(false);
        if (slo is not null) throttles.Add(slo);
        if (shard is null && parse.GetValue(MetricsPort) is > 0 and var port)
        {
            var endpoint = MetricsEndpoint.Start(port);
            resources.Add(new DisposableAdapter(endpoint));
            CliOutput.Info($"metrics: http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/metrics");
        }
        var options = new BackfillOptions { Workers = parse.GetValue(Workers), InitialBatchKeys = Math.Max(1, initialBatchKeys) };
        var backfill = new BackfillRunnerPhase(options, throttles, new BackfillProgressPrinter(slo, shard is null ? "" : $"[{shard.Name}] "), ctx.LoggerFactory);
        var parallel = parse.GetValue(ParallelWorkers);
        var validation = ValidationOptions.For(spec);
        var gate = new ValidationSuiteGate(ReconciliationSettings.For(spec), parallel is { } n ? validation with { Workers = n + 1 } : validation);
        var engineSql = parallel is null ? sql
            : new SafeSqlRunner(sql.DataSource, sql.Options with { ParallelWorkers = parallel }, ctx.LoggerFactory.CreateLogger<SafeSqlRunner>());
        return new PluggedEngine(new MigrationEngine(engineSql, backfill, gate), resources);
    }

    /// <summary>The latency-SLO controller on the chosen foreground latency, or null when turned off (--latency-slo off, --no-guards).</summary>
    public static Task<LatencySloThrottle?> CreateSloAsync(CliContext ctx, LatencySloTarget? target, LatencySource source, CancellationToken ct) =>
        CreateSloAsync(ctx.DataSource, ctx, target, source, ct);

    private static async Task<LatencySloThrottle?> CreateSloAsync(Npgsql.NpgsqlDataSource primary, CliContext ctx, LatencySloTarget? target, LatencySource source, CancellationToken ct) =>
        target is null || target.IsOff ? null
            : await LatencySloThrottle.CreateAsync(primary, new LatencySloOptions { Target = target, Source = source }, ct, loggers: ctx.LoggerFactory).ConfigureAwait(false);

    private sealed class DisposableAdapter(IDisposable inner) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            inner.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Plain progress lines at most every two seconds (works in CI logs and terminals alike).</summary>
    private sealed class BackfillProgressPrinter(LatencySloThrottle? slo, string prefix) : IProgress<BackfillProgress>
    {
        private DateTime _last = DateTime.MinValue;

        public void Report(BackfillProgress value)
        {
            var now = DateTime.UtcNow;
            if (value.State == "running" && now - _last < TimeSpan.FromSeconds(2)) return;
            _last = now;
            var eta = value.Eta is { } e ? $", ETA {e.TotalSeconds:F0}s" : "";
            CliOutput.Plain(prefix + FormattableString.Invariant(
                $"backfill {value.State}: {value.Fraction:P0} of keys, {value.RowsDone:N0}/{value.RowsEstimated:N0} rows, {value.RowsPerSecond:N0} rows/s{eta}, {value.Workers.Count} worker(s){(slo is null ? "" : ", " + slo.Describe())}{(value.Reason is null ? "" : " — " + value.Reason)}"));
        }
    }
}

/// <summary>What a fleet shard's engine gets: its name and the fleet's rows/s budget (null: none).</summary>
internal sealed record FleetShardPlug(string Name, Core.Fleet.FleetRowBudget? Budget);

/// <summary>The engine with its plug-ins, and what must be stopped after the run.</summary>
internal sealed class PluggedEngine(MigrationEngine engine, IReadOnlyList<IAsyncDisposable> resources) : IAsyncDisposable
{
    public MigrationEngine Engine => engine;

    public async ValueTask DisposeAsync()
    {
        foreach (var r in resources.Reverse()) await r.DisposeAsync().ConfigureAwait(false);
    }
}
