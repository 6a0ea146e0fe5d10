using Switchyard.Core.Engine;
using Switchyard.Core.Journal;

namespace Switchyard.Core.Fleet;

/// <summary>
/// Flips the migration's flags on every shard, only once every shard passed Validate: the Cutover barrier. When one
/// shard has not, no shard's flags change.
/// </summary>
public static class FleetCutover
{
    public static async Task<IReadOnlyList<(string Shard, FlagRecord Flag)>> FlipAsync(IReadOnlyList<FleetShardSession> shards, string? migration, string reads, int percent, string writes, CancellationToken ct)
    {
        var behind = new List<string>();
        foreach (var s in shards)
        {
            var control = new MigrationControl(s.Sql);
            var record = await control.FindAsync(migration, ct).ConfigureAwait(false);
            var steps = await s.Engine.Journal.StepsAsync(record.Id, ct).ConfigureAwait(false);
            var left = steps.Count(st => st.Phase is "expand" or "backfill" or "validate" && st.Status != StepStatuses.Done);
            if (left > 0) behind.Add($"{s.Shard.Name} ({record.Phase}, {record.State}, {left} step(s) before Cutover)");
        }
        if (behind.Count > 0)
            throw new SwitchyardException($"No shard's flags were flipped: not every shard passed Validate: {string.Join(", ", behind)}.",
                "Run `switchyard apply <spec> --fleet <file>` until every shard waits at the Cutover gate.");
        var flipped = new List<(string, FlagRecord)>();
        foreach (var s in shards)
            flipped.Add((s.Shard.Name, await new MigrationControl(s.Sql).CutoverAsync(migration, reads, percent, writes, ct).ConfigureAwait(false)));
        return flipped;
    }
}
