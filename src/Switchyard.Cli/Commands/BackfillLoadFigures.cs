using Switchyard.Core.Backfill.Bench;
using Switchyard.Samples.Ledger.Bench;

namespace Switchyard.Cli.Commands;

/// <summary>The foreground figures <c>bench backfill --with-load</c> adds to its output (snake_case in JSON).</summary>
internal sealed class BackfillLoadFigures
{
    public BackfillLoadFigures(BackfillForegroundLoad load)
    {
        var naive = load.Windows[BackfillBenchSide.Naive];
        var ours = load.Windows[BackfillBenchSide.Switchyard];
        LoadTps = load.OperationsPerSecond;
        BaselineP99Ms = naive.Baseline.P99Ms;
        BaselineMaxMs = naive.Baseline.MaxMs;
        BaselineFailed = naive.BaselineFailed;
        NaiveP99Ms = naive.DuringBackfill.P99Ms;
        NaiveMaxMs = naive.DuringBackfill.MaxMs;
        NaiveFailed = naive.DuringBackfillFailed;
        NaiveOperations = naive.DuringBackfill.Count;
        SwitchyardBaselineP99Ms = ours.Baseline.P99Ms;
        SwitchyardBaselineMaxMs = ours.Baseline.MaxMs;
        SwitchyardBaselineFailed = ours.BaselineFailed;
        SwitchyardP99Ms = ours.DuringBackfill.P99Ms;
        SwitchyardMaxMs = ours.DuringBackfill.MaxMs;
        SwitchyardFailed = ours.DuringBackfillFailed;
        SwitchyardOperations = ours.DuringBackfill.Count;
        NaiveP99Ratio = BaselineP99Ms > 0 ? Math.Round(NaiveP99Ms / BaselineP99Ms, 2) : 0;
        SwitchyardP99Ratio = SwitchyardBaselineP99Ms > 0 ? Math.Round(SwitchyardP99Ms / SwitchyardBaselineP99Ms, 2) : 0;
    }

    public double LoadTps { get; }
    public double BaselineP99Ms { get; }
    public double BaselineMaxMs { get; }
    public long BaselineFailed { get; }
    public double NaiveP99Ms { get; }
    public double NaiveMaxMs { get; }
    public long NaiveFailed { get; }
    public long NaiveOperations { get; }
    public double SwitchyardBaselineP99Ms { get; }
    public double SwitchyardBaselineMaxMs { get; }
    public long SwitchyardBaselineFailed { get; }
    public double SwitchyardP99Ms { get; }
    public double SwitchyardMaxMs { get; }
    public long SwitchyardFailed { get; }
    public long SwitchyardOperations { get; }
    public double NaiveP99Ratio { get; }
    public double SwitchyardP99Ratio { get; }

    /// <summary>The JSON fields, named as in the issue.</summary>
    public IEnumerable<(string Key, double Value)> Fields() =>
    [
        ("load_tps", LoadTps),
        ("baseline_p99_ms", BaselineP99Ms),
        ("baseline_max_ms", BaselineMaxMs),
        ("baseline_failed", BaselineFailed),
        ("naive_p99_ms", NaiveP99Ms),
        ("naive_max_ms", NaiveMaxMs),
        ("naive_failed", NaiveFailed),
        ("naive_foreground_operations", NaiveOperations),
        ("switchyard_baseline_p99_ms", SwitchyardBaselineP99Ms),
        ("switchyard_baseline_max_ms", SwitchyardBaselineMaxMs),
        ("switchyard_baseline_failed", SwitchyardBaselineFailed),
        ("switchyard_p99_ms", SwitchyardP99Ms),
        ("switchyard_max_ms", SwitchyardMaxMs),
        ("switchyard_failed", SwitchyardFailed),
        ("switchyard_foreground_operations", SwitchyardOperations),
        ("naive_p99_ratio", NaiveP99Ratio),
        ("switchyard_p99_ratio", SwitchyardP99Ratio),
    ];
}
