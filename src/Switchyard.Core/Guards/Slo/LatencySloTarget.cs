using System.Globalization;

namespace Switchyard.Core.Guards.Slo;

/// <summary>
/// The foreground p99 the backfill must keep: a multiple of the baseline measured just before it starts ("1.5x"), or
/// an absolute latency ("25ms").
/// </summary>
public sealed record LatencySloTarget(double? BaselineMultiple, TimeSpan? Absolute)
{
    /// <summary>1.5 × baseline: the issue's measured 6× spike is far outside it, normal jitter is inside it.</summary>
    public static readonly LatencySloTarget Default = new(1.5, null);

    /// <summary>No SLO: the controller does not run.</summary>
    public static readonly LatencySloTarget Off = new(null, null);

    public bool IsOff => BaselineMultiple is null && Absolute is null;

    /// <summary>The SLO in milliseconds for a baseline p99 of <paramref name="baselineMs"/>.</summary>
    public double SloMs(double baselineMs) => IsOff ? throw new InvalidOperationException("The latency SLO is off.")
        : Absolute is { } a ? a.TotalMilliseconds : BaselineMultiple!.Value * baselineMs;

    public override string ToString() => IsOff ? "off" : Absolute is { } a
        ? a.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + "ms"
        : BaselineMultiple!.Value.ToString("0.###", CultureInfo.InvariantCulture) + "x";

    /// <summary>
    /// Parses "off", "1.5x" / "1.5" (a multiple of the baseline, above 1) or "25ms" (absolute). On success
    /// <paramref name="target"/> is <see cref="Off"/> for "off".
    /// </summary>
    public static bool TryParse(string text, out LatencySloTarget? target, out string error)
    {
        target = null;
        error = "";
        var t = text.Trim().ToLowerInvariant();
        if (t is "off" or "none" or "false")
        {
            target = Off;
            return true;
        }
        if (t.EndsWith("ms", StringComparison.Ordinal))
        {
            if (double.TryParse(t[..^2], NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && double.IsFinite(ms) && ms is > 0 and <= 600_000)
            {
                target = new LatencySloTarget(null, TimeSpan.FromMilliseconds(ms));
                return true;
            }
            error = $"an absolute SLO must be between 0 and 600000 ms, got '{text}'";
            return false;
        }
        var multiple = t.EndsWith('x') ? t[..^1] : t;
        if (double.TryParse(multiple, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) && double.IsFinite(m) && m is > 1 and <= 1000)
        {
            target = new LatencySloTarget(m, null);
            return true;
        }
        error = $"expected off, a multiple of the baseline p99 above 1 (e.g. 1.5x) or a latency (e.g. 25ms), got '{text}'";
        return false;
    }
}
