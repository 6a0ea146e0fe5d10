using Switchyard.Core.Execution;
using Switchyard.Core.Journal;

namespace Switchyard.Core.Fleet;

/// <summary>The fleet run's id in each shard's own journal (<c>switchyard.migrations.fleet_run_id</c> and a <c>fleet_run</c> event).</summary>
public static class FleetJournal
{
    /// <summary>The fleet run this shard's migration already belongs to; null when it has none (or no journal yet).</summary>
    public static async Task<Guid?> RunIdAsync(SafeSqlRunner sql, string migration, CancellationToken ct)
    {
        var journal = new MigrationJournal(sql);
        if (!await journal.ExistsAsync(ct).ConfigureAwait(false)) return null;
        // Adds the column to a journal written before fleets existed.
        await journal.EnsureSchemaAsync(ct).ConfigureAwait(false);
        return await sql.ScalarAsync<Guid?>("SELECT fleet_run_id FROM switchyard.migrations WHERE name = $1", ct, migration).ConfigureAwait(false);
    }

    /// <summary>Records the fleet run on the shard's migration once; a no-op when it is already recorded or the migration does not exist yet.</summary>
    public static async Task StampAsync(SafeSqlRunner sql, string migration, Guid runId, string fleet, string shard, CancellationToken ct)
    {
        var journal = new MigrationJournal(sql);
        if (!await journal.ExistsAsync(ct).ConfigureAwait(false)) return;
        await journal.EnsureSchemaAsync(ct).ConfigureAwait(false);
        var id = await sql.ScalarAsync<long?>(
            "UPDATE switchyard.migrations SET fleet_run_id = $1 WHERE name = $2 AND fleet_run_id IS DISTINCT FROM $1 RETURNING id", ct, runId, migration).ConfigureAwait(false);
        if (id is { } migrationId)
            await journal.EventAsync(migrationId, "fleet_run", $"part of fleet run {runId} (fleet {fleet}, shard {shard})", new { fleet_run_id = runId, fleet, shard }, ct).ConfigureAwait(false);
    }
}
