using Switchyard.Cli;
using System.Globalization;
using ScottPlot;

namespace Switchyard.Samples.Ledger.Cli.Demo;

/// <summary>
/// The report's four charts, drawn so they read as one figure: the same time axis and the same data area on every chart
/// (fixed padding), phase names above the data on the top edge (rotated, pushed apart), faults as dashed red lines
/// named in the legend, and the legend to the right of the data.
/// </summary>
internal static class DemoCharts
{
    public const int Width = 1400;
    public const int Height = 420;

    // Fixed margins make the data areas of all charts line up; the right one holds the legend, the top one the phase names.
    private static readonly PixelPadding Padding = new(left: 80, right: 380, bottom: 50, top: 120);
    private const float PhaseFontSize = 11;

    // Rotated 45°, neighbouring labels need about one line height of horizontal room.
    private const double LabelGapPixels = 20;

    public static Plot Latency(DemoResult r)
    {
        var plot = NewPlot(r, "latency ms (from intended start)");
        var timeline = r.Workload?.Timeline ?? [];
        if (timeline.Count > 0)
        {
            var xs = timeline.Select(t => (double)t.Second).ToArray();
            Line(plot, xs, [.. timeline.Select(t => t.PaymentsP99Ms)], "payments p99 per second", Colors.Blue);
            Line(plot, xs, [.. timeline.Select(t => t.PaymentsMaxMs)], "payments max per second", Colors.Orange);
            // The regulatory report on its own: a dot per second it ran, not a spike in the payments' lines.
            var reports = timeline.Where(t => t.RegulatoryReportMaxMs is not null).ToList();
            if (reports.Count > 0)
            {
                var dots = plot.Add.Scatter(reports.Select(t => (double)t.Second).ToArray(), reports.Select(t => t.RegulatoryReportMaxMs!.Value).ToArray());
                dots.LegendText = "regulatory report";
                dots.LineWidth = 0;
                dots.MarkerSize = 7;
                dots.Color = Colors.Purple;
            }
        }
        // Each phase's authorization p99 as a step over its band: what the SLO judges.
        var first = true;
        foreach (var phase in r.Phases)
        {
            if (phase.ByOperation.FirstOrDefault(o => o.Operation == OperationLatency.Authorization) is not { Count: > 0 } auth) continue;
            var step = Line(plot, [phase.StartSeconds, phase.EndSeconds], [auth.P99Ms, auth.P99Ms], first ? "authorize p99 per phase" : "", Colors.Green);
            step.LineWidth = 3;
            first = false;
        }
        if (r.LatencySlo is { HasBaseline: true } slo)
        {
            var limit = plot.Add.HorizontalLine(slo.LimitMs);
            limit.Color = Colors.Green.WithAlpha(0.6);
            limit.LinePattern = LinePattern.Dotted;
            limit.LegendText = $"authorize SLO {slo.LimitMs.ToString("F1", CultureInfo.InvariantCulture)} ms";
        }
        FaultLines(plot, r);
        return Finish(plot, r);
    }

    public static Plot Throughput(DemoResult r)
    {
        var plot = NewPlot(r, "operations per second");
        var timeline = r.Workload?.Timeline ?? [];
        if (timeline.Count > 0)
        {
            var xs = timeline.Select(t => (double)t.Second).ToArray();
            Line(plot, xs, [.. timeline.Select(t => (double)t.Operations)], "completed", Colors.Blue);
            Line(plot, xs, [.. timeline.Select(t => (double)t.Failed)], "failed", Colors.Red);
        }
        FaultLines(plot, r);
        return Finish(plot, r);
    }

    public static Plot Progress(DemoResult r)
    {
        var plot = NewPlot(r, "seeded rows with state_id, %");
        if (r.Progress.Count > 0)
        {
            var line = Line(plot, [.. r.Progress.Select(p => p.AtSeconds)], [.. r.Progress.Select(p => p.Percent)], "backfill progress", Colors.Blue);
            line.MarkerSize = 3;
        }
        FaultLines(plot, r);
        return Finish(plot, r);
    }

    public static Plot Lag(DemoResult r)
    {
        var plot = NewPlot(r, "replay lag, kB (pg_stat_replication)");
        if (r.Lag.Count > 0)
        {
            var xs = r.Lag.Select(l => l.AtSeconds).ToArray();
            Line(plot, xs, [.. r.Lag.Select(l => l.ReplayLagBytes / 1024.0)], "replay lag kB", Colors.Blue);
            var seconds = Line(plot, xs, [.. r.Lag.Select(l => l.ReplayLagSeconds)], "replay lag s (right axis)", Colors.Orange);
            seconds.Axes.YAxis = plot.Axes.Right;
            plot.Axes.Right.Label.Text = "replay lag, s";
        }
        FaultLines(plot, r);
        return Finish(plot, r);
    }

    /// <summary>The time axis every chart shares: from the start of traffic to the end of the last phase or sample.</summary>
    public static (double Min, double Max) TimeAxis(DemoResult r)
    {
        var ends = r.Phases.Select(p => p.EndSeconds)
            .Concat((r.Workload?.Timeline ?? []).Select(t => t.Second + 1.0))
            .Concat(r.Lag.Select(l => l.AtSeconds))
            .Concat(r.Progress.Select(p => p.AtSeconds));
        return (0, Math.Max(1, ends.DefaultIfEmpty(1).Max()));
    }

    private static Plot NewPlot(DemoResult r, string yLabel)
    {
        var plot = new Plot();
        plot.XLabel("seconds since traffic started");
        plot.YLabel(yLabel);
        PhaseBands(plot, r);
        return plot;
    }

    private static Plot Finish(Plot plot, DemoResult r)
    {
        var (min, max) = TimeAxis(r);
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsX(min, max);
        PhaseLabels(plot, r, min, max);
        plot.Layout.Fixed(Padding);
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    private static ScottPlot.Plottables.Scatter Line(Plot plot, double[] xs, double[] ys, string legend, Color color)
    {
        var line = plot.Add.Scatter(xs, ys);
        line.LegendText = legend;
        line.MarkerSize = 0;
        line.Color = color;
        return line;
    }

    /// <summary>Alternating shaded bands, one per phase, with a thin line where each starts (unlabelled: the names are on the top edge).</summary>
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
        }
    }

    /// <summary>Phase names as the top axis' tick labels, rotated, at positions that keep them apart.</summary>
    private static void PhaseLabels(Plot plot, DemoResult r, double min, double max)
    {
        var dataWidth = Width - Padding.Left - Padding.Right;
        var gap = LabelGapPixels * (max - min) / dataWidth;
        var positions = PhaseLabelLayout.Positions([.. r.Phases.Select(p => (p.StartSeconds, p.EndSeconds))], min, max, gap);
        var top = plot.Axes.Top;
        top.SetTicks(positions, [.. r.Phases.Select(p => p.Name)]);
        top.Range.Set(min, max);
        top.TickLabelStyle.Rotation = -45;
        top.TickLabelStyle.Alignment = Alignment.LowerLeft;
        top.TickLabelStyle.FontSize = PhaseFontSize;
    }

    /// <summary>The moments a fault started, each named in the legend (not its "ended" / "resumed" / "waited" follow-ups).</summary>
    private static void FaultLines(Plot plot, DemoResult r)
    {
        foreach (var fault in r.Faults.Where(f => !f.Detail.StartsWith("not injected", StringComparison.Ordinal)
            && !f.Fault.EndsWith("ended", StringComparison.Ordinal) && !f.Fault.EndsWith("resumed", StringComparison.Ordinal)
            && !f.Fault.StartsWith("expand waited", StringComparison.Ordinal)))
        {
            var line = plot.Add.VerticalLine(fault.AtSeconds);
            line.Color = Colors.Red.WithAlpha(0.8);
            line.LinePattern = LinePattern.Dashed;
            line.LineWidth = 1.5f;
            line.LegendText = $"fault at {fault.AtSeconds.ToString("F1", CultureInfo.InvariantCulture)} s: {fault.Fault}";
        }
    }
}
