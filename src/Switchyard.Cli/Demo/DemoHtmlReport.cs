using System.Globalization;
using System.Net;
using System.Text;
using ScottPlot;
using Switchyard.Core.Validation;

namespace Switchyard.Cli.Demo;

/// <summary>
/// A self-contained HTML file: the per-phase table and four charts drawn with ScottPlot (latency with phase bands,
/// throughput, backfill progress, replica lag), embedded as base64 PNG so the file can be mailed or attached to a change.
/// </summary>
internal static class DemoHtmlReport
{
    private const int Width = 1400;
    private const int Height = 340;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The chart titles, in the order they appear (tests look for them).</summary>
    public static readonly string[] ChartTitles = ["Latency (p99 and max per second) by phase", "Throughput", "Backfill progress", "Replica lag"];

    public static async Task<string> WriteAsync(DemoResult r, CancellationToken ct)
    {
        Directory.CreateDirectory(r.Options.ReportDirectory);
        var path = Path.GetFullPath(Path.Combine(r.Options.ReportDirectory, $"switchyard-demo-{DateTime.UtcNow:yyyyMMdd-HHmmss}.html"));
        await File.WriteAllTextAsync(path, Render(r), Encoding.UTF8, ct).ConfigureAwait(false);
        return path;
    }

    public static string Render(DemoResult r)
    {
        var html = new StringBuilder();
        html.Append("<!doctype html><html><head><meta charset=\"utf-8\"><title>Switchyard demo report</title><style>")
            .Append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;font-size:13px}")
            .Append("th{background:#f0f0f0}.ok{color:#1a7f37;font-weight:bold}.bad{color:#c62828;font-weight:bold}img{display:block;margin:1em 0;max-width:100%}</style></head><body>");
        html.Append("<h1>Switchyard demo: ").Append(E(DemoOrchestrator.Migration)).Append("</h1>");
        html.Append("<p>").Append(r.SeededRows.ToString("N0", Inv)).Append(" seeded transactions, payments traffic at ").Append(r.Options.OperationsPerSecond.ToString("N0", Inv))
            .Append(" ops/s, ").Append(r.Options.Faults ? "faults injected" : "no faults").Append(", total ").Append(r.TotalSeconds.ToString("F0", Inv)).Append(" s.</p>");
        html.Append(r.Passed
            ? "<p class=\"ok\">Zero-downtime proof: no payment failed, the money is unchanged, validation is green.</p>"
            : "<p class=\"bad\">" + string.Join("<br>", r.Problems.Select(E)) + "</p>");

        Table(html, "Phases", ["phase", "seconds", "operations", "failed", "p50 ms", "p99 ms", "max ms", "longest lock wait ms", "backfill rows/s", "what happened"],
            r.Phases.Select(p => new[] { p.Name, p.Seconds.ToString("F1", Inv), p.Operations.ToString("N0", Inv), p.Failed.ToString("N0", Inv), p.P50Ms.ToString("F1", Inv),
                p.P99Ms.ToString("F1", Inv), p.MaxMs.ToString("F1", Inv), p.LongestLockWaitMs.ToString("F0", Inv), p.BackfillRowsPerSecond?.ToString("N0", Inv) ?? "", p.Note }));

        Chart(html, ChartTitles[0], LatencyChart(r));
        Chart(html, ChartTitles[1], ThroughputChart(r));
        Chart(html, ChartTitles[2], ProgressChart(r));
        Chart(html, ChartTitles[3], LagChart(r));

        if (r.Faults.Count > 0) Table(html, "Injected faults", ["at s", "fault", "detail"], r.Faults.Select(f => new[] { f.AtSeconds.ToString("F1", Inv), f.Fault, f.Detail }));
        Table(html, "Migrator runs", ["phase", "command", "exit", "seconds", "last output"],
            r.MigratorRuns.Select(m => new[] { m.Phase, m.CommandLine, m.Killed ? "killed (-9)" : m.ExitCode.ToString(Inv), m.Seconds.ToString("F1", Inv), m.LastLines }));
        Table(html, "Journal: steps", ["step", "status", "attempts"], r.Steps.Select(s => new[] { s.Step, s.Status, s.Attempts.ToString(Inv) }));
        Table(html, "Journal: apply runs", ["at", "kind", "message"], r.JournalRuns.Select(e => new[] { e.At.ToString("HH:mm:ss.f", Inv), e.Kind, e.Message }));
        Table(html, "Guard decisions", ["at", "decision"], r.GuardDecisions.Select(g => new[] { g.At.ToString("HH:mm:ss.f", Inv), g.Message }));
        foreach (var v in r.Validations)
        {
            Table(html, $"Validation suite ({ValidationEvidence.ShapeName(v.Shape)}): {v.Summary}", ["check", "outcome", "rows examined", "failures", "detail"],
                v.Results.Select(c => new[] { c.Check, ValidationEvidence.OutcomeName(c.Outcome), c.RowsExamined.ToString("N0", Inv), c.Failures.ToString("N0", Inv), c.Detail }));
        }
        if (r.Invariants is { } inv)
        {
            Table(html, "Ledger invariants", ["", "before", "after"],
            [
                ["seeded rows", inv.SeededBefore.ToString(), inv.SeededAfter.ToString()],
                ["all rows", inv.TotalBefore.ToString(), inv.TotalAfter.ToString()],
                ["workload", "", $"{inv.AuthorizationsSucceeded:N0} authorizations and {inv.ChargebacksSucceeded:N0} chargebacks succeeded"],
            ]);
        }
        html.Append("</body></html>");
        return html.ToString();
    }

    private static Plot LatencyChart(DemoResult r)
    {
        var plot = NewPlot("seconds since traffic started", "latency ms (from intended start)");
        PhaseBands(plot, r);
        var timeline = r.Workload?.Timeline ?? [];
        if (timeline.Count > 0)
        {
            var xs = timeline.Select(t => (double)t.Second).ToArray();
            var p99 = plot.Add.Scatter(xs, timeline.Select(t => t.P99Ms).ToArray());
            p99.LegendText = "p99";
            p99.MarkerSize = 0;
            p99.Color = Colors.Blue;
            var max = plot.Add.Scatter(xs, timeline.Select(t => t.MaxMs).ToArray());
            max.LegendText = "max";
            max.MarkerSize = 0;
            max.Color = Colors.Orange;
        }
        plot.ShowLegend();
        return plot;
    }

    private static Plot ThroughputChart(DemoResult r)
    {
        var plot = NewPlot("seconds since traffic started", "operations per second");
        PhaseBands(plot, r);
        var timeline = r.Workload?.Timeline ?? [];
        if (timeline.Count > 0)
        {
            var xs = timeline.Select(t => (double)t.Second).ToArray();
            var ops = plot.Add.Scatter(xs, timeline.Select(t => (double)t.Operations).ToArray());
            ops.LegendText = "completed";
            ops.MarkerSize = 0;
            var failed = plot.Add.Scatter(xs, timeline.Select(t => (double)t.Failed).ToArray());
            failed.LegendText = "failed";
            failed.MarkerSize = 0;
            failed.Color = Colors.Red;
        }
        plot.ShowLegend();
        return plot;
    }

    private static Plot ProgressChart(DemoResult r)
    {
        var plot = NewPlot("seconds since traffic started", "seeded rows with state_id, %");
        PhaseBands(plot, r);
        if (r.Progress.Count > 0)
        {
            var line = plot.Add.Scatter(r.Progress.Select(p => p.AtSeconds).ToArray(), r.Progress.Select(p => p.Percent).ToArray());
            line.LegendText = "backfill progress";
            line.MarkerSize = 3;
        }
        FaultLines(plot, r);
        plot.ShowLegend();
        return plot;
    }

    private static Plot LagChart(DemoResult r)
    {
        var plot = NewPlot("seconds since traffic started", "replay lag, kB");
        PhaseBands(plot, r);
        if (r.Lag.Count > 0)
        {
            var xs = r.Lag.Select(l => l.AtSeconds).ToArray();
            var bytes = plot.Add.Scatter(xs, r.Lag.Select(l => l.ReplayLagBytes / 1024.0).ToArray());
            bytes.LegendText = "replay lag kB (pg_stat_replication)";
            bytes.MarkerSize = 0;
            var seconds = plot.Add.Scatter(xs, r.Lag.Select(l => l.ReplayLagSeconds).ToArray());
            seconds.LegendText = "replay lag s (right axis)";
            seconds.MarkerSize = 0;
            seconds.Color = Colors.Orange;
            seconds.Axes.YAxis = plot.Axes.Right;
            plot.Axes.Right.Label.Text = "replay lag, s";
        }
        FaultLines(plot, r);
        plot.ShowLegend();
        return plot;
    }

    private static Plot NewPlot(string x, string y)
    {
        var plot = new Plot();
        plot.XLabel(x);
        plot.YLabel(y);
        return plot;
    }

    /// <summary>Alternating shaded bands, one per phase, labelled with the phase name.</summary>
    private static void PhaseBands(Plot plot, DemoResult r)
    {
        var i = 0;
        foreach (var phase in r.Phases)
        {
            if (i++ % 2 == 1)
            {
                var band = plot.Add.HorizontalSpan(phase.StartSeconds, Math.Max(phase.StartSeconds + 0.01, phase.EndSeconds));
                band.FillStyle.Color = Colors.Gray.WithAlpha(0.15);
                band.LineStyle.Width = 0;
            }
            var line = plot.Add.VerticalLine(phase.StartSeconds);
            line.LineStyle.Width = 1;
            line.Color = Colors.Gray.WithAlpha(0.6);
            line.Text = phase.Name;
            line.LabelFontSize = 9;
        }
    }

    private static void FaultLines(Plot plot, DemoResult r)
    {
        // The moments a fault started (not its "ended" / "resumed" / "waited" follow-ups, which would crowd the axis).
        foreach (var fault in r.Faults.Where(f => !f.Detail.StartsWith("not injected", StringComparison.Ordinal)
            && !f.Fault.EndsWith("ended", StringComparison.Ordinal) && !f.Fault.StartsWith("expand waited", StringComparison.Ordinal)))
        {
            var line = plot.Add.VerticalLine(fault.AtSeconds);
            line.Color = Colors.Red.WithAlpha(0.7);
            line.LinePattern = LinePattern.Dashed;
            line.Text = fault.Fault;
            line.LabelFontSize = 9;
        }
    }

    private static void Chart(StringBuilder html, string title, Plot plot)
    {
        plot.Title(title);
        var png = plot.GetImageBytes(Width, Height, ImageFormat.Png);
        html.Append("<h2>").Append(E(title)).Append("</h2><img alt=\"").Append(E(title)).Append("\" src=\"data:image/png;base64,")
            .Append(Convert.ToBase64String(png)).Append("\">");
    }

    private static void Table(StringBuilder html, string title, string[] headers, IEnumerable<string[]> rows)
    {
        html.Append("<h2>").Append(E(title)).Append("</h2><table><tr>");
        foreach (var h in headers) html.Append("<th>").Append(E(h)).Append("</th>");
        html.Append("</tr>");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            foreach (var cell in row) html.Append("<td>").Append(E(cell).Replace("\n", "<br>", StringComparison.Ordinal)).Append("</td>");
            html.Append("</tr>");
        }
        html.Append("</table>");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
