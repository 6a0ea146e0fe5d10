namespace Switchyard.Core.Runbook.Scale;

/// <summary>The machine work of one phase: how many full passes of each kind it makes over the table.</summary>
/// <param name="PeoplePaced">The phase's length is set by people (Cutover), not by the table's size.</param>
public sealed record ScalePhaseWork(string Phase, int BackfillPasses, int IndexBuilds, int Scans, bool PeoplePaced = false);

/// <summary>Everything the scale estimate computes from, each number with its source.</summary>
public sealed record ScaleInputs
{
    /// <summary>Rows of the table at full scale (all shards together).</summary>
    public required long Rows { get; init; }

    /// <summary>Shards the rows are split evenly across; each has its own primary and replicas.</summary>
    public int Shards { get; init; } = 1;

    /// <summary>Rows per second the backfill sustained, throttles included.</summary>
    public required ScaleFigure BackfillRowsPerSecond { get; init; }

    /// <summary>Table MB per second a concurrent index build covers.</summary>
    public required ScaleFigure IndexBuildMBPerSecond { get; init; }

    /// <summary>Rows per second a validation scan reads.</summary>
    public required ScaleFigure ScanRowsPerSecond { get; init; }

    /// <summary>Heap bytes per row (table size over rows).</summary>
    public required ScaleFigure BytesPerRow { get; init; }

    /// <summary>WAL bytes the backfill writes per row.</summary>
    public required ScaleFigure WalBytesPerRow { get; init; }

    /// <summary>MB of WAL per second one standby replays.</summary>
    public required ScaleFigure ReplicaApplyMBPerSecond { get; init; }

    /// <summary>MB per second the primary's disk sustains for WAL plus heap writes.</summary>
    public required ScaleFigure IoMBPerSecond { get; init; }

    /// <summary>Replication lag, in seconds, at which the guards pause the backfill.</summary>
    public double LagThresholdSeconds { get; init; } = ScaleDefaults.LagThresholdSeconds;

    public required IReadOnlyList<ScalePhaseWork> Phases { get; init; }
}
