using Switchyard.Core.LocalPostgres;
using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using Switchyard.Cli.Options;
using Switchyard.Cli.Output;
using Switchyard.Cli.Telemetry;
using Switchyard.Core;
using Switchyard.Core.Backfill;
using Switchyard.Core.Guards;

namespace Switchyard.Cli.Commands;

/// <summary><c>switchyard watch</c>: a live view of every guard signal, the throttle decision now and the last one journaled.</summary>
internal static class WatchCommand
{
    public static Command Build()
    {
        var watch = new Command("watch", "Live view of replication lag, slots, long transactions, lock waits, canary latency, WAL rate and dual-read mismatches, with the throttle decision they lead to.");
        var standby = StandbyConnections.Option("NAME=CONNECTION of a standby to read the heartbeat on (repeatable). The managed cluster's standbys are included.");
        var table = new Option<string?>("--table") { Description = "schema.table whose dead tuples and autovacuum to show, e.g. public.transactions." };
        var canary = new Option<bool>("--canary") { Description = "Run the canary probe (a primary-key read and a tiny upsert into switchyard.canary)." };
        var longTx = CliOptions.Number("--long-transaction-seconds", "Report transactions open longer than this.", 60d, 0, double.MaxValue, "60");
        var interval = CliOptions.Number("--interval", "Seconds between refreshes.", 2d, 0.05, 3600, "2");
        var count = CliOptions.Number("--count", "Stop after this many refreshes (0: until Ctrl+C).", 0, 0, int.MaxValue, "10");
        var migration = new Option<string?>("--migration") { Description = "Also show this migration's backfill progress from the journal." };
        var metricsPort = CliOptions.OptionalNumber("--metrics-port", "Serve Prometheus metrics on http://127.0.0.1:PORT/metrics while watching.", 1, 65535, "9187");
        var json = GlobalOptions.Json();
        var otlp = OtlpExport.Option();
        foreach (var o in new Option[] { standby, table, canary, longTx, interval, count, migration, metricsPort, otlp, json }) watch.Options.Add(o);

        CommandAction.Set(watch, async (ctx, ct) =>
        {
            await ctx.ConnectAsync(ct, LocalClusterOptions.DefaultDatabase).ConfigureAwait(false);
            var every = TimeSpan.FromSeconds(ctx.ParseResult.GetValue(interval));
            var options = new GuardOptions
            {
                SampleInterval = TimeSpan.Zero,
                StandbyConnections = StandbyConnections.Resolve(ctx, standby),
                Table = ctx.ParseResult.GetValue(table),
                Canary = ctx.ParseResult.GetValue(canary) ? new CanaryOptions() : null,
                LongTransactionAfter = TimeSpan.FromSeconds(ctx.ParseResult.GetValue(longTx)),
            };
            using var export = OtlpExport.Start(ctx.ParseResult.GetValue(otlp));
            using var metrics = ctx.ParseResult.GetValue(metricsPort) is { } port ? MetricsEndpoint.Start(port) : null;
            if (metrics is not null) CliOutput.Info($"metrics: http://127.0.0.1:{ctx.ParseResult.GetValue(metricsPort)}/metrics");
            await using var guards = await GuardSet.CreateAsync(ctx.DataSource, options, ct, loggers: ctx.LoggerFactory).ConfigureAwait(false);
            var reader = options.ReaderFor(ctx.DataSource);
            var name = ctx.ParseResult.GetValue(migration);
            var limit = ctx.ParseResult.GetValue(count);
            var asJson = ctx.ParseResult.GetValue(json);

            async Task<WatchFrame> Frame()
            {
                var snapshot = await guards.ObserveAsync(ct).ConfigureAwait(false);
                var last = await GuardStatusReader.LastDecisionAsync(reader, ct).ConfigureAwait(false);
                var slo = await GuardStatusReader.LastSloDecisionAsync(reader, ct).ConfigureAwait(false);
                if (slo is not null) SwitchyardMetrics.RecordSlo(name ?? "", slo);
                BackfillProgress? progress = name is null ? null : await BackfillProgressReader.ReadAsync(reader, name, ct).ConfigureAwait(false);
                if (progress is not null)
                {
                    SwitchyardMetrics.RecordRowsDone(progress.Migration, progress.RowsDone);
                    SwitchyardMetrics.SetPhase(progress.Migration, "backfill");
                }
                return new WatchFrame(snapshot, last, slo, progress);
            }

            if (asJson || Console.IsOutputRedirected)
            {
                // Logs and CI capture this: wide enough that rows do not wrap into unreadable columns.
                AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 180);
                for (var i = 0; limit == 0 || i < limit; i++)
                {
                    if (i > 0) await Task.Delay(every, ct).ConfigureAwait(false);
                    var frame = await Frame().ConfigureAwait(false);
                    if (asJson) CliOutput.WriteJson(frame.ToJson());
                    else AnsiConsole.Write(frame.Render());
                }
                return 0;
            }
            var first = await Frame().ConfigureAwait(false);
            await AnsiConsole.Live(first.Render()).StartAsync(async live =>
            {
                for (var i = 1; limit == 0 || i < limit; i++)
                {
                    await Task.Delay(every, ct).ConfigureAwait(false);
                    live.UpdateTarget((await Frame().ConfigureAwait(false)).Render());
                }
            }).ConfigureAwait(false);
            return 0;
        });
        return watch;
    }

    private sealed record WatchFrame(GuardSnapshot Snapshot, JournaledDecision? Last, JournaledSloDecision? Slo, BackfillProgress? Progress)
    {
        public IRenderable Render()
        {
            var d = Snapshot.Decision;
            var colour = d.Action switch { ThrottleAction.Proceed => "green", ThrottleAction.Slow => "yellow", _ => "red" };
            var lines = new List<IRenderable>
            {
                new Markup($"[bold]guards at {Snapshot.At:HH:mm:ss}[/]  throttle now: [{colour}]{d.Action.ToString().ToLowerInvariant()}[/]" +
                    (d.Reason is null ? "" : " — " + Markup.Escape(d.Reason))),
                new Markup("last journaled decision: " + (Last is null ? "none" :
                    Markup.Escape($"{Last.At.ToUniversalTime():HH:mm:ss} {Last.Message} ({Last.ApplicationName})"))),
                new Markup(Markup.Escape(Slo is null ? "latency SLO: no controller decision journaled" : Slo.Describe())),
            };
            if (Progress is { } p)
            {
                lines.Add(new Markup(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                    $"backfill {p.Migration}: {p.State}, {p.RowsDone:N0} / ~{p.RowsEstimated:N0} rows, {p.Fraction:P1} of keys, {p.RowsPerSecond:N0} rows/s{(p.Reason is null ? "" : " (" + p.Reason + ")")}"))));
            }
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var h in new[] { "signal", "subject", "value", "action", "detail" }) table.AddColumn(h);
            foreach (var v in Snapshot.Verdicts)
            {
                var action = v.Reading.Configured ? v.Action.ToString().ToLowerInvariant() + (v.RollbackReadFlags ? "+rollback" : "") : "-";
                var detail = v.Reading.Error ?? v.Reading.Detail;
                table.AddRow(Markup.Escape(v.Reading.Signal), Markup.Escape(v.Reading.Subject), Markup.Escape(v.Reading.DisplayValue),
                    Markup.Escape(action), Markup.Escape(detail.Length > 90 ? detail[..87] + "..." : detail));
            }
            lines.Add(table);
            return new Rows(lines);
        }

        public object ToJson() => new
        {
            at = Snapshot.At,
            throttle = new { action = Snapshot.Decision.Action, delay_ms = Snapshot.Decision.Delay.TotalMilliseconds, reason = Snapshot.Decision.Reason, source = Snapshot.Decision.Source },
            last_decision = Last,
            latency_slo = Slo,
            backfill = Progress,
            signals = Snapshot.Verdicts.Select(v => new
            {
                signal = v.Reading.Signal, subject = v.Reading.Subject, value = v.Reading.Value, unit = v.Reading.Unit, display = v.Reading.DisplayValue,
                configured = v.Reading.Configured, error = v.Reading.Error, detail = v.Reading.Detail, action = v.Action, rollback = v.RollbackReadFlags,
            }),
        };
    }
}
