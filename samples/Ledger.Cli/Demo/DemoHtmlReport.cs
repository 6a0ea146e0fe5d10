using Switchyard.Cli;
using System.Globalization;
using System.Net;
using System.Text;
using ScottPlot;
using Switchyard.Core.Validation;

namespace Switchyard.Samples.Ledger.Cli.Demo;

/// <summary>
/// A self-contained HTML file: the per-phase and per-operation tables and four charts drawn with ScottPlot (latency with
/// phase bands and faults, throughput, backfill progress, replica lag; see <see cref="DemoCharts"/>), embedded as base64
/// PNG so the file can be mailed or attached to a change.
/// </summary>
internal static class DemoHtmlReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The chart titles, in the order they appear (tests look for them).</summary>
    public static readonly string[] ChartTitles = ["Latency (payments p99 and max per second, authorization p99 per phase, regulatory report) by phase", "Throughput", "Backfill progress", "Replica lag"];

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
        html.Append("<h1>Switchyard demo: ").Append(E(r.Options.Migration.Name)).Append("</h1>");
        html.Append("<p>").Append(r.SeededRows.ToString("N0", Inv)).Append(" seeded transactions, payments traffic at ").Append(r.Options.OperationsPerSecond.ToString("N0", Inv))
            .Append(" ops/s, ").Append(r.Options.Faults ? "faults injected" : "no faults").Append(", total ").Append(r.TotalSeconds.ToString("F0", Inv)).Append(" s.</p>");
        html.Append(r.Passed
            ? "<p class=\"ok\">Zero-downtime proof: no payment failed, the money is unchanged, validation is green, authorization p99 within the SLO in every phase.</p>"
            : "<p class=\"bad\">" + string.Join("<br>", r.Failures.Select(E)) + "</p>");
        if (r.LatencySlo is { } slo) html.Append("<p>").Append(E(slo.Summary)).Append("</p>");

        Table(html, "Phases (latency: payments, i.e. every operation but the regulatory report)", ["phase", "seconds", "operations", "failed", "p50 ms", "p99 ms", "max ms", "longest lock wait ms", "backfill rows/s", "what happened"],
            r.Phases.Select(p => new[] { p.Name, p.Seconds.ToString("F1", Inv), p.Operations.ToString("N0", Inv), p.Failed.ToString("N0", Inv), p.P50Ms.ToString("F1", Inv),
                p.P99Ms.ToString("F1", Inv), p.MaxMs.ToString("F1", Inv), p.LongestLockWaitMs.ToString("F0", Inv), p.BackfillRowsPerSecond?.ToString("N0", Inv) ?? "", p.Note }));

        Chart(html, ChartTitles[0], DemoCharts.Latency(r));
        Chart(html, ChartTitles[1], DemoCharts.Throughput(r));
        Chart(html, ChartTitles[2], DemoCharts.Progress(r));
        Chart(html, ChartTitles[3], DemoCharts.Lag(r));

        var verdicts = r.LatencySlo?.Phases.ToDictionary(p => p.Phase, p => p.Within) ?? [];
        Table(html, "Latency per phase and operation (ms from each operation's intended start)", ["phase", "operation", "count", "failed", "p50 ms", "p95 ms", "p99 ms", "max ms", "SLO"],
            r.Phases.SelectMany(p => p.ByOperation.Select(o => new[]
            {
                p.Name, o.Operation, o.Count.ToString("N0", Inv), o.Failed.ToString("N0", Inv), o.P50Ms.ToString("F1", Inv), o.P95Ms.ToString("F1", Inv),
                o.P99Ms.ToString("F1", Inv), o.MaxMs.ToString("F1", Inv),
                o.Operation != OperationLatency.Authorization ? "" : verdicts.GetValueOrDefault(p.Name) switch { true => "ok", false => "OVER", null => "n/a" },
            })));

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

    private static void Chart(StringBuilder html, string title, Plot plot)
    {
        var png = plot.GetImageBytes(DemoCharts.Width, DemoCharts.Height, ImageFormat.Png);
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
