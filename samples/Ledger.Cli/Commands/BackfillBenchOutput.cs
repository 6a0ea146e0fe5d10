using Switchyard.Cli;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Cli.Output;
using Switchyard.Core.Backfill.Bench;

namespace Switchyard.Samples.Ledger.Cli.Commands;

/// <summary>How <c>bench backfill</c> prints its result: tables for people, flat snake_case JSON for scripts.</summary>
internal static class BackfillBenchOutput
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// One flat object: the run's fields, then every side's fields prefixed with its name (<c>naive_seconds</c>,
    /// <c>loop_hot_share</c>, <c>switchyard_wal_bytes_per_row</c>, …), then the foreground figures when measured.
    /// </summary>
    public static JsonObject Build(BackfillBenchResult result, BackfillLoadFigures? foreground)
    {
        var node = JsonSerializer.SerializeToNode(result, CliOutput.Json)!.AsObject();
        // Null sides go; present ones are flattened below.
        foreach (var optional in new[] { BackfillBenchSide.SwitchyardUnthrottled, BackfillBenchSide.Control }) node.Remove(Prefix(optional));
        foreach (var (which, figures) in Sides(result))
        {
            var side = Prefix(which);
            node.Remove(side);
            var fields = JsonSerializer.SerializeToNode(figures, CliOutput.Json)!.AsObject();
            var footprint = fields["footprint"]!.AsObject();
            fields.Remove("footprint");
            foreach (var (key, value) in fields.Concat(footprint).ToList())
                node[$"{side}_{key}"] = value?.DeepClone();
        }
        if (foreground is not null)
        {
            foreach (var (key, value) in foreground.Fields()) node[key] = JsonValue.Create(value);
        }
        return node;
    }

    public static void PrintTables(BackfillBenchResult result, BackfillLoadFigures? foreground)
    {
        var sides = Sides(result).Select(s => s.Figures).ToList();
        // The control ran no backfill: its column shows the load's own WAL and growth over as long a window.
        IReadOnlyList<string> Row(string measure, Func<BackfillBenchSideResult, string> value) => [measure, .. sides.Select(value)];
        CliOutput.Table($"Backfill benchmark on the post-Expand shape of {result.ExpandSpec} (NOT VALID foreign key: {(result.ForeignKey ? "yes" : "no")})",
            ["measure", .. Sides(result).Select(s => Header(s.Side))],
        [
            Row("rows", _ => result.Rows.ToString("N0", Inv)),
            Row("seconds", s => s.Seconds.ToString("F2", Inv)),
            Row("rows/s", s => s.RowsPerSecond.ToString("N0", Inv)),
            Row("rows updated", s => s.RowsUpdated.ToString("N0", Inv)),
            Row("NULLs left", s => s.StateMissing.ToString("N0", Inv)),
            Row("HOT share of updates", s => s.Footprint.HotShare.ToString("P1", Inv)),
            Row("WAL bytes", s => s.WalBytes.ToString("N0", Inv)),
            Row("WAL bytes per row", s => s.Footprint.WalBytesPerRow.ToString("N0", Inv)),
            Row("table size before → after", s => $"{Mib(s.Footprint.TableBytesBefore)} → {Mib(s.Footprint.TableBytesAfter)} (×{s.Footprint.TableGrowth.ToString("F2", Inv)})"),
            Row("index size before → after", s => $"{Mib(s.Footprint.IndexBytesBefore)} → {Mib(s.Footprint.IndexBytesAfter)}"),
            ["workers / batches", .. Sides(result).Select(s => s.Side switch
            {
                BackfillBenchSide.Naive => "1 / 1",
                BackfillBenchSide.Loop => $"{HandWrittenBatchLoop.Sessions} / {HandWrittenBatchLoop.BatchKeys:N0} keys each",
                BackfillBenchSide.Switchyard => $"{result.Workers} / {result.Batches} (p50 {result.BatchRowsP50} rows, {result.BatchMsP50:F0} ms)",
                BackfillBenchSide.SwitchyardUnthrottled => $"{result.Workers}",
                _ => "-",
            })],
        ]);
        CliOutput.Plain($"ratio (naive / switchyard): {result.Ratio.ToString("F2", Inv)}");
        CliOutput.Plain($"ratio_vs_loop (hand-written loop / switchyard): {result.RatioVsLoop.ToString("F2", Inv)}");
        if (result.SloRateShare is { } share)
            CliOutput.Plain($"slo_rate_share (switchyard rows/s under its SLO / with no SLO): {share.ToString("F2", Inv)}");
        if (foreground is null) return;
        var rows = new List<IReadOnlyList<string>>();
        foreach (var s in foreground.Sides)
        {
            rows.Add([$"baseline before {s.Prefix} (after warm-up)", F(s.BaselineP99Ms), F(s.BaselineMaxMs), s.BaselineFailed.ToString(Inv)]);
            rows.Add([s.Side == BackfillBenchSide.Control ? "control, no backfill, as long as switchyard's" : $"during {s.Prefix}", F(s.P99Ms), F(s.MaxMs), s.Failed.ToString(Inv)]);
            rows.Add([$"after {s.Prefix} (no backfill)", F(s.AfterP99Ms), F(s.AfterMaxMs), s.AfterFailed.ToString(Inv)]);
        }
        CliOutput.Table($"Foreground payments traffic at {foreground.LoadTps:0.#} ops/s", ["window", "p99 ms", "max ms", "failed or rejected"], rows);
        CliOutput.Plain($"foreground p99 ratio (during / its own baseline): {string.Join(", ", foreground.Sides.Select(s => $"{s.Prefix} {F(s.P99Ratio)}"))}");
        CliOutput.Plain($"foreground p99 ratio (during / baseline and after together): {string.Join(", ", foreground.Sides.Select(s => $"{s.Prefix} {F(s.P99RatioToReference)}"))}");
        if (foreground.SwitchyardP99RatioToControl is { } toControl)
            CliOutput.Plain($"switchyard_p99_ratio_to_control (p99 during its backfill / the control's over as long with no backfill): {F(toControl)}");
    }

    private static IEnumerable<(BackfillBenchSide Side, BackfillBenchSideResult Figures)> Sides(BackfillBenchResult r)
    {
        (BackfillBenchSide, BackfillBenchSideResult?)[] all = [(BackfillBenchSide.Naive, r.Naive), (BackfillBenchSide.Loop, r.Loop),
            (BackfillBenchSide.Switchyard, r.Switchyard), (BackfillBenchSide.SwitchyardUnthrottled, r.SwitchyardUnthrottled), (BackfillBenchSide.Control, r.Control)];
        return all.Where(s => s.Item2 is not null).Select(s => (s.Item1, s.Item2!));
    }

    private static string Header(BackfillBenchSide side) => side switch
    {
        BackfillBenchSide.Naive => "naive UPDATE",
        BackfillBenchSide.Loop => $"hand-written loop ({HandWrittenBatchLoop.Sessions} sessions)",
        BackfillBenchSide.Switchyard => "switchyard",
        BackfillBenchSide.SwitchyardUnthrottled => "switchyard, no SLO",
        _ => "no backfill (control)",
    };

    /// <summary>The side's name in JSON keys and tables: naive, loop, switchyard, switchyard_unthrottled, control.</summary>
    public static string Prefix(BackfillBenchSide side) => side == BackfillBenchSide.SwitchyardUnthrottled ? "switchyard_unthrottled" : side.ToString().ToLowerInvariant();

    private static string Mib(long bytes) => (bytes / (1024.0 * 1024)).ToString("N1", Inv) + " MiB";

    private static string F(double v) => v.ToString("F2", Inv);
}
