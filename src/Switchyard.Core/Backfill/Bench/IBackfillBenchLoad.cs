namespace Switchyard.Core.Backfill.Bench;

/// <summary>Which side of the backfill benchmark is about to run or has just run.</summary>
public enum BackfillBenchSide
{
    Naive,
    Switchyard,
}

/// <summary>
/// Foreground traffic around each timed backfill (<c>--with-load</c>): started, with its no-backfill baseline window,
/// before a side is timed and stopped right after it, so the benchmark's timings include running under that load.
/// </summary>
public interface IBackfillBenchLoad
{
    /// <summary>Starts the load on the side's ledger and returns once its baseline window (no backfill) is measured.</summary>
    Task BeforeAsync(BackfillBenchSide side, CancellationToken ct);

    /// <summary>Stops the load on the side's ledger once its backfill has finished.</summary>
    Task AfterAsync(BackfillBenchSide side, CancellationToken ct);
}
