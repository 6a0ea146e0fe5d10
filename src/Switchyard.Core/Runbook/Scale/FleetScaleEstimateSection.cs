using System.Globalization;

namespace Switchyard.Core.Runbook.Scale;

/// <summary>
/// The runbook's "Planned at full scale" section for a fleet: the row split and its rule, each shard's inputs with their
/// sources and its bottleneck, and the fleet's calendar phase by phase (slowest shard, barrier waits).
/// </summary>
public static class FleetScaleEstimateSection
{
    public const string FleetTotalRow = "fleet total (Σ of per-phase maxima)";

    public static RunbookSection Build(string fleet, FleetScaleEstimate e)
    {
        var slowest = e.Shards.First(s => s.Shard == e.Bottleneck.Shard);
        return new RunbookSection(2, ScaleEstimateSection.Heading,
        [
            new RunbookParagraph(T($"Estimate for {e.Rows:N0} rows over fleet {fleet}'s {e.Shards.Count} shard(s), each shard from its own measured rates (its journal, its standbys, its table's statistics) and documented defaults elsewhere; every source is named. The rows are split {e.Split.Rule}.")),
            new RunbookTable(["shard", "rows today", "rows share", "bytes/row", "bottleneck", "rows/s", "machine time", "barrier wait"],
                [.. e.Shards.Select(s => (IReadOnlyList<string>)[
                    s.Shard,
                    s.CurrentRows is { } now ? T($"{now:N0}") : "unknown (never analyzed)",
                    T($"{s.RowsShare:N0}"),
                    T($"{s.Estimate.Inputs.BytesPerRow.Value:N0} B"),
                    s.Estimate.Bottleneck.Name,
                    T($"{s.Estimate.BackfillRowsPerSecond:N0}"),
                    ScaleEstimateSection.Duration(s.Estimate.PerShardTotal),
                    ScaleEstimateSection.Duration(s.BarrierWait)])]),
            new RunbookTable(["shard", "input", "value", "source"], [.. e.Shards.SelectMany(Inputs)]),
            new RunbookTable(["phase", "fleet time", "seconds", "slowest shard"],
            [
                .. e.Phases.Select(p => (IReadOnlyList<string>)[p.Phase, p.Fleet is { } t ? ScaleEstimateSection.Duration(t) : "people-paced",
                    p.Fleet is { } s ? T($"{s.TotalSeconds:F0}") : "-", p.SlowestShard ?? "-"]),
                [FleetTotalRow, ScaleEstimateSection.Duration(e.FleetTotal), T($"{e.FleetTotal.TotalSeconds:F0}"), $"{e.Bottleneck.Shard} (bottleneck)"],
            ]),
            new RunbookParagraph(BottleneckText(e.Bottleneck, slowest)),
            new RunbookParagraph(T($"The fleet moves through the phases in lockstep: no shard enters a phase before every shard passed the one before, so each phase takes as long as its slowest shard and the fleet's time is the sum of those per-phase maxima, not the longest shard's own total. Shards wait {ScaleEstimateSection.Duration(e.BarrierWaitTotal)} at barriers in all (each shard: fleet total − its own machine time). ") +
                "Index builds and validation scans are not throttled by replica apply in this model; Cutover is paced by people and not counted."),
        ]);
    }

    private static string BottleneckText(FleetBottleneck b, FleetShardEstimate shard)
    {
        var limit = b.Limit.Name == ScaleEstimate.BackfillRate
            ? T($"its own backfill rate ({b.Limit.RowsPerSecond:N0} rows/s, throttles included)")
            : T($"{b.Limit.Name} ({b.Limit.Arithmetic} = {b.Limit.RowsPerSecond:N0} rows/s)");
        return T($"Bottleneck: shard {b.Shard} sets the longest phase ({b.Phase}); its backfill of {shard.RowsShare:N0} rows is bound by ") + limit + ".";
    }

    private static IEnumerable<IReadOnlyList<string>> Inputs(FleetShardEstimate s)
    {
        var i = s.Estimate.Inputs;
        yield return [s.Shard, "backfill rate", T($"{i.BackfillRowsPerSecond.Value:N0} rows/s"), i.BackfillRowsPerSecond.Source];
        yield return [s.Shard, "replica apply rate", T($"{i.ReplicaApplyMBPerSecond.Value:N1} MB/s"), i.ReplicaApplyMBPerSecond.Source];
        yield return [s.Shard, "WAL bytes per backfilled row", T($"{i.WalBytesPerRow.Value:N0} B"), i.WalBytesPerRow.Source];
        yield return [s.Shard, "heap bytes per row", T($"{i.BytesPerRow.Value:N0} B"), i.BytesPerRow.Source];
        yield return [s.Shard, "index build", T($"{i.IndexBuildMBPerSecond.Value:N1} MB/s of table"), i.IndexBuildMBPerSecond.Source];
        yield return [s.Shard, "validation scan", T($"{i.ScanRowsPerSecond.Value:N0} rows/s"), i.ScanRowsPerSecond.Source];
        yield return [s.Shard, "disk write bandwidth", T($"{i.IoMBPerSecond.Value:N1} MB/s"), i.IoMBPerSecond.Source];
    }

    private static string T(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
