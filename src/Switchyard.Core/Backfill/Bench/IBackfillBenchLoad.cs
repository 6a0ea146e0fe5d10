namespace Switchyard.Core.Backfill.Bench;

/// <summary>Which side of the backfill benchmark is about to run or has just run.</summary>
public enum BackfillBenchSide
{
    Naive,
    Loop,
    Switchyard,

    /// <summary>Switchyard's backfill with no latency SLO, under the same load: the rate the SLO side is held back from.</summary>
    SwitchyardUnthrottled,

    /// <summary>
    /// No backfill: the same load on its own fresh ledger for as long as Switchyard's side ran (under load only). The
    /// foreground's p99 drifts over minutes on its own; this side shows how far, so the ratio a backfill that cost
    /// nothing would read stands next to Switchyard's.
    /// </summary>
    Control,
}

/// <summary>
/// Foreground traffic around each timed backfill (<c>--with-load</c>): started, warmed up, with its no-backfill
/// baseline window, before a side is timed and stopped right after it, so the benchmark's timings include running
/// under that load.
/// </summary>
public interface IBackfillBenchLoad
{
    /// <summary>
    /// Starts the load on the side's ledger, lets it warm up (that window is discarded) and returns once its baseline
    /// window (no backfill) is measured, with that baseline in words for the operator.
    /// </summary>
    Task<string> BeforeAsync(BackfillBenchSide side, CancellationToken ct);

    /// <summary>Stops the load on the side's ledger once its backfill has finished.</summary>
    Task AfterAsync(BackfillBenchSide side, CancellationToken ct);
}
