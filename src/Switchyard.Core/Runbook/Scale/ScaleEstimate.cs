using System.Globalization;

namespace Switchyard.Core.Runbook.Scale;

/// <summary>One ceiling on the backfill rate: what limits it, the rows/s it allows, and the arithmetic behind it.</summary>
public sealed record BackfillLimit(string Name, double RowsPerSecond, string Arithmetic);

/// <summary>A phase's machine time on one shard (null when people set its pace).</summary>
public sealed record ScalePhaseTime(string Phase, TimeSpan? PerShard);

/// <summary>
/// The plan at full scale, pure arithmetic: the backfill runs at the lowest of its measured rate, the rate the
/// replicas can replay (apply MB/s ÷ WAL bytes/row) and the rate the disk can write (I/O MB/s ÷ (WAL + heap bytes/row));
/// the lowest names the bottleneck. Each shard backfills its own rows/K against its own replicas; the fleet takes as
/// long as its slowest shard (even split: every shard), with no barrier waits between shards modeled.
/// </summary>
public sealed record ScaleEstimate(
    ScaleInputs Inputs,
    long RowsPerShard,
    IReadOnlyList<BackfillLimit> Limits,
    BackfillLimit Bottleneck,
    TimeSpan? LagThresholdReachedAfter,
    IReadOnlyList<ScalePhaseTime> Phases)
{
    public const string BackfillRate = "backfill rate";
    public const string ReplicaApply = "replica apply";
    public const string Io = "I/O";

    /// <summary>The backfill rate that keeps replicas within the lag threshold and the disk within its bandwidth.</summary>
    public double BackfillRowsPerSecond => Bottleneck.RowsPerSecond;

    /// <summary>Machine time of one shard: every phase that is not people-paced, one after the other.</summary>
    public TimeSpan PerShardTotal => TimeSpan.FromSeconds(Phases.Sum(p => p.PerShard?.TotalSeconds ?? 0));

    /// <summary>The fleet's machine time: the slowest shard (shards run in parallel, each on its own replicas; no barrier waits modeled).</summary>
    public TimeSpan FleetTotal => PerShardTotal;

    public static ScaleEstimate Compute(ScaleInputs i)
    {
        if (i.Rows < 0 || i.Shards < 1)
            throw new ArgumentOutOfRangeException(nameof(i), "Rows must be zero or more and shards at least 1.");
        var rowsPerShard = (i.Rows + i.Shards - 1) / i.Shards;
        var wal = i.WalBytesPerRow.Value;
        var apply = i.ReplicaApplyMBPerSecond.Value * ScaleDefaults.BytesPerMB;
        var io = i.IoMBPerSecond.Value * ScaleDefaults.BytesPerMB;
        BackfillLimit[] limits =
        [
            new(BackfillRate, i.BackfillRowsPerSecond.Value, Text($"{i.BackfillRowsPerSecond.Value:N0} rows/s")),
            new(ReplicaApply, apply / wal, Text($"{i.ReplicaApplyMBPerSecond.Value:N1} MB/s ÷ {wal:N0} B/row")),
            new(Io, io / (wal + i.BytesPerRow.Value), Text($"{i.IoMBPerSecond.Value:N1} MB/s ÷ ({wal:N0} B/row WAL + {i.BytesPerRow.Value:N0} B/row heap)")),
        ];
        var bottleneck = limits.MinBy(l => l.RowsPerSecond)!;
        var phases = i.Phases.Select(p => new ScalePhaseTime(p.Phase, p.PeoplePaced ? null : TimeSpan.FromSeconds(
            (p.BackfillPasses * rowsPerShard / bottleneck.RowsPerSecond)
            + (p.IndexBuilds * rowsPerShard * i.BytesPerRow.Value / (i.IndexBuildMBPerSecond.Value * ScaleDefaults.BytesPerMB))
            + (p.Scans * rowsPerShard / i.ScanRowsPerSecond.Value)))).ToList();
        return new ScaleEstimate(i, rowsPerShard, limits, bottleneck, LagReachedAfter(i, apply), phases);
    }

    /// <summary>
    /// How long the unthrottled backfill (its measured rate) takes to push a standby to the lag threshold, when it writes
    /// WAL faster than the standby replays: the backlog grows at (written − applied) bytes/s and is lag seconds once it
    /// is threshold × applied bytes. Null when the standby keeps up.
    /// </summary>
    private static TimeSpan? LagReachedAfter(ScaleInputs i, double applyBytesPerSecond)
    {
        var written = i.BackfillRowsPerSecond.Value * i.WalBytesPerRow.Value;
        if (written <= applyBytesPerSecond) return null;
        return TimeSpan.FromSeconds(i.LagThresholdSeconds * applyBytesPerSecond / (written - applyBytesPerSecond));
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
