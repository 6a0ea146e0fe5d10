namespace Switchyard.Core.Runbook.Scale;

/// <summary>One shard's measured inputs (its own rates, standbys and journal) and its current rows of the target table.</summary>
/// <param name="CurrentRows">The table's rows on this shard today (planner statistics); null when never analyzed.</param>
public sealed record FleetShardScaleInputs(string Shard, long? CurrentRows, ScaleInputs Inputs);

/// <summary>One shard's full-scale estimate for its share of the rows, and how long it waits at the fleet's barriers.</summary>
public sealed record FleetShardEstimate(string Shard, long? CurrentRows, ScaleEstimate Estimate, TimeSpan BarrierWait)
{
    public long RowsShare => Estimate.Inputs.Rows;
}

/// <summary>A phase across the fleet: the longest shard's time (null when people-paced) and which shard that is.</summary>
public sealed record FleetPhaseTime(string Phase, TimeSpan? Fleet, string? SlowestShard);

/// <summary>What holds the fleet back: the shard setting its longest phase, and the ceiling on that shard's backfill.</summary>
public sealed record FleetBottleneck(string Shard, string Phase, BackfillLimit Limit);

/// <summary>
/// The plan at full scale over a fleet, pure arithmetic. The rows are split over the shards (<see cref="FleetRowSplit"/>),
/// each shard is estimated from its own inputs (<see cref="ScaleEstimate"/>), and because a fleet moves through the
/// phases in lockstep — no shard enters a phase before every shard passed the previous one — each phase takes as long
/// as its slowest shard: the fleet's time is the sum over phases of the per-phase maximum (whole seconds, rounded up),
/// not the maximum of the shards' totals. What a shard spends waiting for the others is its barrier wait.
/// </summary>
public sealed record FleetScaleEstimate(
    long Rows,
    FleetRowSplit Split,
    IReadOnlyList<FleetShardEstimate> Shards,
    IReadOnlyList<FleetPhaseTime> Phases,
    FleetBottleneck Bottleneck)
{
    /// <summary>The fleet's machine time: Σ over phases of the slowest shard's time in that phase.</summary>
    public TimeSpan FleetTotal => TimeSpan.FromSeconds(Phases.Sum(p => p.Fleet?.TotalSeconds ?? 0));

    /// <summary>Time shards spend at barriers, added up over the shards (each shard: fleet total − its own total).</summary>
    public TimeSpan BarrierWaitTotal => TimeSpan.FromSeconds(Shards.Sum(s => s.BarrierWait.TotalSeconds));

    public static FleetScaleEstimate Compute(long rows, IReadOnlyList<FleetShardScaleInputs> shards)
    {
        if (shards.Count == 0) throw new ArgumentException("A fleet has at least one shard.", nameof(shards));
        var split = FleetRowSplit.Split(rows, [.. shards.Select(s => s.CurrentRows)]);
        var estimates = shards.Select((s, i) => (s.Shard, s.CurrentRows, Estimate: ScaleEstimate.Compute(s.Inputs with { Rows = split.Shares[i], Shards = 1 }))).ToList();
        // Every shard runs the same plan: the phases are the first shard's, looked up by name on the others.
        var phases = estimates[0].Estimate.Phases.Select(p => Phase(p.Phase, estimates)).ToList();
        var fleetTotal = TimeSpan.FromSeconds(phases.Sum(p => p.Fleet?.TotalSeconds ?? 0));
        var perShard = estimates.Select(e => new FleetShardEstimate(e.Shard, e.CurrentRows, e.Estimate, fleetTotal - e.Estimate.PerShardTotal)).ToList();
        var longest = phases.Where(p => p.Fleet is not null).MaxBy(p => p.Fleet!.Value);
        var setter = longest?.SlowestShard is { } name ? perShard.First(s => s.Shard == name) : perShard.MaxBy(s => s.Estimate.PerShardTotal)!;
        return new FleetScaleEstimate(rows, split, perShard, phases, new FleetBottleneck(setter.Shard, longest?.Phase ?? "-", setter.Estimate.Bottleneck));
    }

    private static FleetPhaseTime Phase(string phase, IReadOnlyList<(string Shard, long? CurrentRows, ScaleEstimate Estimate)> shards)
    {
        var times = shards.Select(s => (s.Shard, Time: s.Estimate.Phases.FirstOrDefault(p => p.Phase == phase)?.PerShard)).ToList();
        // People set a people-paced phase's pace (Cutover): no machine time on any shard.
        if (times.All(t => t.Time is null)) return new FleetPhaseTime(phase, null, null);
        var slowest = times.Where(t => t.Time is not null).MaxBy(t => t.Time!.Value);
        // A phase with no table-sized work on any shard (Expand's catalog changes) has no slowest shard to name.
        var seconds = Math.Ceiling(slowest.Time!.Value.TotalSeconds);
        return new FleetPhaseTime(phase, TimeSpan.FromSeconds(seconds), seconds > 0 ? slowest.Shard : null);
    }
}
