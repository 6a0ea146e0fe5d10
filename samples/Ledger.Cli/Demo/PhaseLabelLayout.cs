namespace Switchyard.Samples.Ledger.Cli.Demo;

/// <summary>
/// Where each phase's name goes on the chart's top edge: at the middle of its band, pushed apart so neighbours keep a
/// minimum distance (a 0.5 s Contract next to an 8 s cutover step must not print over it), and kept inside the axis.
/// </summary>
internal static class PhaseLabelLayout
{
    /// <param name="bands">(start, end) of each phase in seconds, in run order.</param>
    /// <param name="axisMin">Left end of the time axis.</param>
    /// <param name="axisMax">Right end of the time axis.</param>
    /// <param name="minGap">Smallest distance between two labels, in seconds (pixels × seconds per pixel).</param>
    /// <returns>One position per band, ascending, each within the axis, neighbours at least <paramref name="minGap"/> apart when the axis has room.</returns>
    public static double[] Positions(IReadOnlyList<(double Start, double End)> bands, double axisMin, double axisMax, double minGap)
    {
        var x = bands.Select(b => Math.Clamp((b.Start + Math.Max(b.Start, b.End)) / 2, axisMin, axisMax)).ToArray();
        if (x.Length == 0) return x;
        // Left to right: never closer than the gap to the previous label.
        for (var i = 1; i < x.Length; i++) x[i] = Math.Max(x[i], x[i - 1] + minGap);
        // Right to left: whatever went past the axis end comes back, pushing its left neighbours along.
        x[^1] = Math.Min(x[^1], axisMax);
        for (var i = x.Length - 2; i >= 0; i--) x[i] = Math.Min(x[i], x[i + 1] - minGap);
        // Too many labels for the axis: spread them evenly rather than past its left end.
        if (x[0] < axisMin)
        {
            var step = x.Length == 1 ? 0 : (axisMax - axisMin) / (x.Length - 1);
            for (var i = 0; i < x.Length; i++) x[i] = axisMin + i * step;
        }
        return x;
    }
}
