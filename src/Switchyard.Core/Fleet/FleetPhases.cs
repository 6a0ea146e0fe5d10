using Switchyard.Core.Journal;
using Switchyard.Core.Planning;

namespace Switchyard.Core.Fleet;

/// <summary>Orders the journal's phase names, so a fleet's phase is the lowest of its shards'.</summary>
public static class FleetPhases
{
    private static readonly string[] Order = ["none", "planned", "expand", "backfill", "validate", "cutover", "contract"];

    /// <summary>Rank of a shard's (phase, state); a completed migration ranks past every phase.</summary>
    public static int Rank(string phase, string state) =>
        state == MigrationStates.Completed ? Order.Length : Math.Max(0, Array.IndexOf(Order, phase));

    /// <summary>The lowest phase of the shards, written as the journal writes phases ("completed" when all are).</summary>
    public static string Lowest(IEnumerable<(string Phase, string State)> shards)
    {
        var lowest = shards.Select(s => Rank(s.Phase, s.State)).DefaultIfEmpty(0).Min();
        return lowest >= Order.Length ? MigrationStates.Completed : Order[lowest];
    }

    /// <summary>Whether a shard stopped at (phase, state) has finished <paramref name="phase"/>.</summary>
    public static bool Reached(string shardPhase, string shardState, MigrationPhase phase) =>
        shardState == MigrationStates.Completed
        || (shardState == MigrationStates.Waiting && Rank(shardPhase, shardState) >= Rank(MigrationJournal.Phase(phase), shardState));
}
