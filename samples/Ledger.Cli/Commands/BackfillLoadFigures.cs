using Switchyard.Cli;
using Switchyard.Core.Backfill.Bench;
using Switchyard.Samples.Ledger.Bench;

namespace Switchyard.Samples.Ledger.Cli.Commands;

/// <summary>One side's foreground figures: its baseline window (after the warm-up) and the window during its backfill.</summary>
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
    /// <summary>p99 during the backfill / p99 of its own baseline.</summary>
    public double P99Ratio => BaselineP99Ms > 0 ? Math.Round(P99Ms / BaselineP99Ms, 2) : 0;

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
            return new SideLoadFigures(side, w.Baseline.P99Ms, w.Baseline.MaxMs, w.BaselineFailed, w.DuringBackfill.P99Ms, w.DuringBackfill.MaxMs, w.DuringBackfillFailed, w.DuringBackfill.Count);
        })];
    }

    public double LoadTps { get; }

    public IReadOnlyList<SideLoadFigures> Sides { get; }

    /// <summary>
    /// The JSON fields: <c>{side}_baseline_p99_ms</c>, <c>{side}_p99_ms</c>, … for naive, loop, switchyard and switchyard_unthrottled, each
    /// side against its own baseline; <c>baseline_p99_ms</c> (the naive side's) is kept for older readers.
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
        }
    }
}
