using System.Globalization;
using Switchyard.Core.Engine;
using Switchyard.Core.Guards;
using Switchyard.Core.Journal;

namespace Switchyard.Core.Fleet;

/// <summary>One shard's line in <c>status --fleet</c>.</summary>
/// <param name="Backfill">"62% 12,400/20,000 rows", "not started", or "-" without a backfill.</param>
/// <param name="Guard">The newest journaled guard decision on the shard, or "none".</param>
public sealed record ShardStatus(string Shard, string Migration, string Phase, string State, string Backfill, string Guard, Guid? FleetRunId);

/// <summary>Every shard's status and the fleet's phase (the lowest of its shards').</summary>
public sealed record FleetStatus(string Fleet, string Phase, IReadOnlyList<ShardStatus> Shards);

/// <summary>Reads each shard's journal: phase, state, backfill progress and the last guard decision.</summary>
public static class FleetStatusReader
{
    public static async Task<FleetStatus> ReadAsync(FleetDefinition fleet, IReadOnlyList<FleetShardSession> shards, string? migration, CancellationToken ct)
    {
        var lines = new List<ShardStatus>();
        foreach (var session in shards) lines.Add(await ShardAsync(session, migration, ct).ConfigureAwait(false));
        return new FleetStatus(fleet.Name, FleetPhases.Lowest(lines.Select(l => (l.Phase, l.State))), lines);
    }

    private static async Task<ShardStatus> ShardAsync(FleetShardSession session, string? migration, CancellationToken ct)
    {
        var statuses = await new MigrationControl(session.Sql).StatusAsync(migration, null, ct).ConfigureAwait(false);
        // Without a name: the active migration, else the newest one.
        var status = statuses.LastOrDefault(s => MigrationStates.Active.Contains(s.Migration.State)) ?? statuses.LastOrDefault();
        if (status is null) return new ShardStatus(session.Shard.Name, migration ?? "-", "none", "none", "-", "none", null);
        var m = status.Migration;
        var backfill = status.Backfill is { } b
            ? string.Create(CultureInfo.InvariantCulture, $"{b.Fraction * 100:F0}% {b.RowsDone:N0}/{b.RowsEstimated:N0} rows ({b.State})")
            : status.Steps.Any(s => s.Phase == "backfill") ? "not started" : "-";
        var decision = await GuardStatusReader.LastDecisionAsync(session.Sql, ct).ConfigureAwait(false);
        var guard = decision is null ? "none" : $"{decision.Action ?? "?"}: {decision.Message}";
        return new ShardStatus(session.Shard.Name, m.Name, m.Phase, m.State, backfill, guard, await FleetJournal.RunIdAsync(session.Sql, m.Name, ct).ConfigureAwait(false));
    }
}
