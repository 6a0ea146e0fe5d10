using Switchyard.Cli;
using Switchyard.Core.Backfill.Bench;
using Switchyard.Samples.Ledger.Bench;

namespace Switchyard.Samples.Ledger.Cli.Commands;

/// <summary>One side's foreground figures: its baseline window (after the warm-up), the window during its backfill and the no-backfill window after it.</summary>
internal sealed record SideLoadFigures(
    BackfillBenchSide Side,
    double BaselineP99Ms,
    double BaselineMaxMs,
    long BaselineFailed,
    double P99Ms,
    double MaxMs,
    long Failed,
    long Operations)
{
    public required double AfterP99Ms { get; init; }

    public required double AfterMaxMs { get; init; }

    public required long AfterFailed { get; init; }

    /// <summary>p99 over the baseline and after windows together.</summary>
    public required double ReferenceP99Ms { get; init; }

    /// <summary>p99 during the backfill / p99 of its own baseline.</summary>
    public double P99Ratio => BaselineP99Ms > 0 ? Math.Round(P99Ms / BaselineP99Ms, 2) : 0;

    /// <summary>p99 during the backfill / p99 of the no-backfill windows before and after it together.</summary>
    public double P99RatioToReference => ReferenceP99Ms > 0 ? Math.Round(P99Ms / ReferenceP99Ms, 2) : 0;

    public string Prefix => BackfillBenchOutput.Prefix(Side);
}

/// <summary>The foreground figures <c>bench backfill --with-load</c> adds to its output (snake_case in JSON).</summary>
internal sealed class BackfillLoadFigures
{
    public BackfillLoadFigures(BackfillForegroundLoad load)
    {
        LoadTps = load.OperationsPerSecond;
        Sides = [.. Enum.GetValues<BackfillBenchSide>().Where(load.Windows.ContainsKey).Select(side =>
        {
            var w = load.Windows[side];
            return new SideLoadFigures(side, w.Baseline.P99Ms, w.Baseline.MaxMs, w.BaselineFailed, w.DuringBackfill.P99Ms, w.DuringBackfill.MaxMs, w.DuringBackfillFailed, w.DuringBackfill.Count)
            {
                AfterP99Ms = w.After.P99Ms,
                AfterMaxMs = w.After.MaxMs,
                AfterFailed = w.AfterFailed,
                ReferenceP99Ms = w.Reference.P99Ms,
            };
        })];
    }

    public double LoadTps { get; }

    public IReadOnlyList<SideLoadFigures> Sides { get; }

    /// <summary>
    /// Switchyard's p99 during its backfill / the control's over as long a window with no backfill, each as long after
    /// its load started; null without a control. Above 1 is what the backfill cost, net of the load's own drift.
    /// </summary>
    public double? SwitchyardP99RatioToControl =>
        Side(BackfillBenchSide.Switchyard) is { } ours && Side(BackfillBenchSide.Control) is { P99Ms: > 0 } control ? Math.Round(ours.P99Ms / control.P99Ms, 2) : null;

    private SideLoadFigures? Side(BackfillBenchSide side) => Sides.FirstOrDefault(s => s.Side == side);

    /// <summary>
    /// The JSON fields: <c>{side}_baseline_p99_ms</c>, <c>{side}_p99_ms</c>, <c>{side}_after_p99_ms</c>, … for naive, loop, switchyard and
    /// switchyard_unthrottled and control, each side against its own baseline (<c>_p99_ratio</c>) and against its baseline and
    /// after windows together (<c>_p99_ratio_to_reference</c>); <c>switchyard_p99_ratio_to_control</c> when the control ran;
    /// <c>baseline_p99_ms</c> (the naive side's) is kept for older readers.
    /// </summary>
    public IEnumerable<(string Key, double Value)> Fields()
    {
        yield return ("load_tps", LoadTps);
        yield return ("baseline_p99_ms", Sides[0].BaselineP99Ms);
        foreach (var s in Sides)
        {
            yield return ($"{s.Prefix}_baseline_p99_ms", s.BaselineP99Ms);
            yield return ($"{s.Prefix}_baseline_max_ms", s.BaselineMaxMs);
            yield return ($"{s.Prefix}_baseline_failed", s.BaselineFailed);
            yield return ($"{s.Prefix}_p99_ms", s.P99Ms);
            yield return ($"{s.Prefix}_max_ms", s.MaxMs);
            yield return ($"{s.Prefix}_failed", s.Failed);
            yield return ($"{s.Prefix}_foreground_operations", s.Operations);
            yield return ($"{s.Prefix}_p99_ratio", s.P99Ratio);
            yield return ($"{s.Prefix}_after_p99_ms", s.AfterP99Ms);
            yield return ($"{s.Prefix}_after_max_ms", s.AfterMaxMs);
            yield return ($"{s.Prefix}_after_failed", s.AfterFailed);
            yield return ($"{s.Prefix}_reference_p99_ms", s.ReferenceP99Ms);
            yield return ($"{s.Prefix}_p99_ratio_to_reference", s.P99RatioToReference);
        }
        if (SwitchyardP99RatioToControl is { } toControl) yield return ("switchyard_p99_ratio_to_control", toControl);
    }
}
