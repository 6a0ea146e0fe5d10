namespace Switchyard.Samples.Ledger.Cli.Demo;

/// <summary>
/// The fleet's barrier waits, read back from each shard's own journal: apply --fleet starts no shard on the next phase
/// until every shard finished this one, so a shard that finished a phase early waited for the one that finished last.
/// The shards' clusters run on this machine, so their journals' clocks agree.
/// </summary>
internal static class ShardedDemoBarriers
{
    private static readonly string[] Phases = ["expand", "backfill", "validate", "cutover", "contract"];

    public static async Task<IReadOnlyList<BarrierWait>> ReadAsync(IReadOnlyList<ShardedDemoShard> shards, string migration, DateTimeOffset start, CancellationToken ct)
    {
        var finished = new Dictionary<string, Dictionary<string, DateTimeOffset>>(StringComparer.Ordinal);
        foreach (var shard in shards) finished[shard.Name] = await FinishedAsync(shard, migration, ct).ConfigureAwait(false);
        var waits = new List<BarrierWait>();
        foreach (var phase in Phases)
        {
            // A barrier only where every shard ran the phase's steps.
            if (!shards.All(s => finished[s.Name].ContainsKey(phase))) continue;
            var last = shards.MaxBy(s => finished[s.Name][phase])!;
            var released = finished[last.Name][phase];
            foreach (var shard in shards)
            {
                var own = finished[shard.Name][phase];
                waits.Add(new BarrierWait(phase, shard.Name, Math.Round((own - start).TotalSeconds, 2), Math.Round((released - own).TotalSeconds, 2),
                    shard.Name == last.Name ? null : last.Name));
            }
        }
        return waits;
    }

    /// <summary>When the shard's last step of each phase finished.</summary>
    private static async Task<Dictionary<string, DateTimeOffset>> FinishedAsync(ShardedDemoShard shard, string migration, CancellationToken ct)
    {
        var byPhase = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        await using var cmd = shard.Db.CreateCommand("""
            SELECT s.phase, max(s.finished_at) FROM switchyard.steps s JOIN switchyard.migrations m ON m.id = s.migration_id
            WHERE m.name = $1 AND s.status = 'done' AND s.finished_at IS NOT NULL GROUP BY s.phase
            """);
        cmd.Parameters.AddWithValue(migration);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false)) byPhase[reader.GetString(0)] = reader.GetFieldValue<DateTimeOffset>(1);
        return byPhase;
    }
}
