using System.Data;
using Npgsql;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Journal.Chain;

/// <summary>Walks a migration's event chain in the database: hashes recomputed by <c>switchyard.event_hash</c>.</summary>
public static class EventChainReader
{
    public static async Task<EventChainVerdict> VerifyAsync(SafeSqlRunner sql, long migrationId, CancellationToken ct)
    {
        if (!await sql.ScalarAsync<bool>("SELECT to_regclass('switchyard.event_chain_heads') IS NOT NULL", ct).ConfigureAwait(false))
            return EventChainVerdict.NotRecorded;
        // One snapshot for the events and the head: an event appended in between must not look like a deleted one.
        return await sql.InTransactionAsync(async (c, tx, token) =>
        {
            var links = new List<ChainLink>();
            await using (var cmd = SafeSqlRunner.Command("""
                SELECT e.id, e.chain_seq, e.prev_hash, e.hash, CASE WHEN e.chain_seq IS NULL THEN NULL ELSE switchyard.event_hash(e.prev_hash, e) END
                FROM switchyard.events e WHERE e.migration_id = $1 ORDER BY e.id
                """, c, tx, migrationId))
            await using (var r = await cmd.ExecuteReaderAsync(token).ConfigureAwait(false))
            {
                while (await r.ReadAsync(token).ConfigureAwait(false))
                    links.Add(new ChainLink(r.GetInt64(0), Long(r, 1), Text(r, 2), Text(r, 3), Text(r, 4)));
            }
            ChainHead? head = null;
            await using (var cmd = SafeSqlRunner.Command("SELECT seq, hash, event_id FROM switchyard.event_chain_heads WHERE chain_key = $1", c, tx, migrationId))
            await using (var r = await cmd.ExecuteReaderAsync(token).ConfigureAwait(false))
            {
                if (await r.ReadAsync(token).ConfigureAwait(false)) head = new ChainHead(r.GetInt64(0), Text(r, 1), Long(r, 2));
            }
            return EventChainVerifier.Verify(links, head);
        }, ct, description: "verify the event chain", isolation: IsolationLevel.RepeatableRead).ConfigureAwait(false);
    }

    private static long? Long(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);

    private static string? Text(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
