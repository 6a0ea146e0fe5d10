using Switchyard.Cli;
using System.Globalization;

namespace Switchyard.Samples.Ledger.Cli.Demo;

/// <summary>One phase judged against the authorization latency SLO.</summary>
/// <param name="Within">Null when the phase had no authorization to judge (e.g. a phase shorter than one operation).</param>
internal sealed record PhaseSloResult(string Phase, long Authorizations, double P99Ms, bool? Within);

/// <summary>
/// The verdict's latency part: authorization p99 within <c>multiple × the baseline phase's authorization p99</c> in
/// every phase. The baseline is the first phase (traffic before any migration step), so the SLO is relative to this
/// machine and this run, not a fixed number of milliseconds.
/// </summary>
internal sealed record AuthorizationSlo(double Multiple, string BaselinePhase, double BaselineP99Ms, IReadOnlyList<PhaseSloResult> Phases)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public double LimitMs => Math.Round(Multiple * BaselineP99Ms, 3);

    /// <summary>No baseline authorization means nothing to compare with: the check cannot pass.</summary>
    public bool HasBaseline => Phases.FirstOrDefault(p => p.Phase == BaselinePhase) is { Authorizations: > 0 };

    public bool Passed => HasBaseline && Phases.All(p => p.Within != false);

    /// <summary>One line per failure, naming the phase; empty when the check passed.</summary>
    public IReadOnlyList<string> Violations =>
        !HasBaseline
            ? [$"authorization p99 SLO cannot be judged: the {BaselinePhase} phase completed no authorization"]
            : [.. Phases.Where(p => p.Within == false).Select(p =>
                $"authorization p99 in phase '{p.Phase}' was {Ms(p.P99Ms)} ms, above the SLO of {Ms(LimitMs)} ms ({Multiple.ToString("0.##", Inv)} × baseline p99 {Ms(BaselineP99Ms)} ms)")];

    /// <summary>The line the console and the HTML report print for the check.</summary>
    public string Summary =>
        $"authorization p99 within {Multiple.ToString("0.##", Inv)} × baseline ({Ms(BaselineP99Ms)} ms) = {Ms(LimitMs)} ms in every phase: "
        + (Passed ? "yes" : $"NO ({string.Join(", ", Phases.Where(p => p.Within == false).Select(p => p.Phase))})");

    /// <summary>Judges every phase; <paramref name="phases"/> in run order, the first one being the baseline.</summary>
    public static AuthorizationSlo Evaluate(IReadOnlyList<DemoPhase> phases, double multiple)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(multiple, 1.0);
        if (phases.Count == 0) return new AuthorizationSlo(multiple, "baseline", 0, []);
        var baseline = phases[0];
        var baselineP99 = Authorizations(baseline).P99Ms;
        var limit = Math.Round(multiple * baselineP99, 3);
        var results = phases.Select(p =>
        {
            var auth = Authorizations(p);
            return new PhaseSloResult(p.Name, auth.Count, auth.P99Ms, auth.Count == 0 ? null : auth.P99Ms <= limit);
        }).ToList();
        return new AuthorizationSlo(multiple, baseline.Name, baselineP99, results);
    }

    private static OperationLatency Authorizations(DemoPhase phase) =>
        phase.ByOperation.FirstOrDefault(o => o.Operation == OperationLatency.Authorization) ?? new OperationLatency(OperationLatency.Authorization, 0, 0, 0, 0, 0, 0);

    private static string Ms(double ms) => ms.ToString("F1", Inv);
}
