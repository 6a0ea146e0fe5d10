using System.Globalization;

namespace Switchyard.Core.Runbook.Scale;

/// <summary>The runbook's "Planned at full scale" section: inputs with their sources, the backfill's ceilings and bottleneck, and calendar time per phase, per shard and for the fleet.</summary>
public static class ScaleEstimateSection
{
    public const string Heading = "Planned at full scale";

    public static RunbookSection Build(ScaleEstimate e)
    {
        var i = e.Inputs;
        var shards = i.Shards == 1 ? "one shard" : T($"{i.Shards} shards split evenly ({e.RowsPerShard:N0} rows each, each shard with its own replicas)");
        return new RunbookSection(2, Heading,
        [
            new RunbookParagraph(T($"Estimate for {i.Rows:N0} rows on {shards}, from this table's measured rates where Switchyard recorded them and documented defaults elsewhere; every source is named.")),
            new RunbookTable(["input", "value", "source"],
            [
                ["backfill rate", T($"{i.BackfillRowsPerSecond.Value:N0} rows/s"), i.BackfillRowsPerSecond.Source],
                ["index build", T($"{i.IndexBuildMBPerSecond.Value:N1} MB/s of table"), i.IndexBuildMBPerSecond.Source],
                ["validation scan", T($"{i.ScanRowsPerSecond.Value:N0} rows/s"), i.ScanRowsPerSecond.Source],
                ["heap bytes per row", T($"{i.BytesPerRow.Value:N0} B"), i.BytesPerRow.Source],
                ["WAL bytes per backfilled row", T($"{i.WalBytesPerRow.Value:N0} B"), i.WalBytesPerRow.Source],
                ["replica apply rate", T($"{i.ReplicaApplyMBPerSecond.Value:N1} MB/s"), i.ReplicaApplyMBPerSecond.Source],
                ["disk write bandwidth", T($"{i.IoMBPerSecond.Value:N1} MB/s"), i.IoMBPerSecond.Source],
                ["replication lag threshold", T($"{i.LagThresholdSeconds:N0} s"), "the guards' pause threshold (replication_lag_seconds), or --lag-threshold-seconds"],
            ]),
            new RunbookTable(["backfill ceiling", "rows/s", "arithmetic", "binds"],
                [.. e.Limits.Select(l => (IReadOnlyList<string>)[l.Name, T($"{l.RowsPerSecond:N0}"), l.Arithmetic, ReferenceEquals(l, e.Bottleneck) ? "yes: the bottleneck" : "no"])]),
            new RunbookParagraph(BottleneckText(e)),
            new RunbookTable(["phase", "per shard", "fleet"],
            [
                .. e.Phases.Select(p => (IReadOnlyList<string>)[p.Phase, p.PerShard is { } t ? Duration(t) : "people-paced", p.PerShard is { } f ? Duration(f) : "people-paced"]),
                ["total machine time", Duration(e.PerShardTotal), Duration(e.FleetTotal)],
            ]),
            new RunbookParagraph("The fleet takes as long as its slowest shard: shards run in parallel, each against its own replicas. " +
                "Barrier waits between shards (e.g. every shard finishing Validate before any starts Cutover) are not modeled: none are added. " +
                "Index builds and validation scans are not throttled by replica apply in this model; Cutover is paced by people and not counted."),
        ]);
    }

    private static string BottleneckText(ScaleEstimate e)
    {
        var i = e.Inputs;
        var text = e.Bottleneck.Name == ScaleEstimate.BackfillRate
            ? T($"Bottleneck: {e.Bottleneck.Name} ({e.Bottleneck.RowsPerSecond:N0} rows/s, the backfill's own, throttles included). The replicas and the disk keep up with it.")
            : T($"Bottleneck: {e.Bottleneck.Name} ({e.Bottleneck.Arithmetic} = {e.Bottleneck.RowsPerSecond:N0} rows/s). ") + T($"Run the backfill at no more than {Math.Floor(e.BackfillRowsPerSecond):N0} rows/s (`--max-rows-per-second {Math.Floor(e.BackfillRowsPerSecond):F0}`), below the backfill's own {i.BackfillRowsPerSecond.Value:N0} rows/s.");
        if (e.LagThresholdReachedAfter is { } after)
            text += T($" At {i.BackfillRowsPerSecond.Value:N0} rows/s it writes {i.BackfillRowsPerSecond.Value * i.WalBytesPerRow.Value / ScaleDefaults.BytesPerMB:N1} MB/s of WAL, more than a standby replays: lag would reach the {i.LagThresholdSeconds:N0} s threshold after ~{Duration(after)} and the guards would pause it, again and again.");
        return text;
    }

    /// <summary>Calendar time in the unit a person plans with.</summary>
    public static string Duration(TimeSpan t) =>
        t.TotalSeconds < 1 ? "< 1 s"
        : t.TotalMinutes < 2 ? T($"{t.TotalSeconds:N0} s")
        : t.TotalHours < 2 ? T($"{t.TotalMinutes:N0} min")
        : t.TotalHours < 48 ? T($"{t.TotalHours:N1} h")
        : T($"{t.TotalHours:N1} h ({t.TotalDays:N1} days)");

    private static string T(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
