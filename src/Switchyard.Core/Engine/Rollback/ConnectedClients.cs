using Switchyard.Core.Execution;
using Switchyard.Core.Journal;

namespace Switchyard.Core.Engine.Rollback;

/// <summary>
/// Who reads the flags right now, and which version of one flag each acknowledged. "Connected" means: a registered
/// client (<c>switchyard.compat_clients</c>) whose LISTEN backend is alive in this database (same pid and
/// backend_start), or whose heartbeat is younger than the window; plus every other session of this database whose last
/// statement was <c>LISTEN switchyard_flags</c> (an application that listens but cannot acknowledge).
/// </summary>
public static class ConnectedClients
{
    private const string Registered = """
        SELECT c.client_id::text, c.host, c.os_pid, c.application_name, a.pid, coalesce(k.version, 0)
        FROM switchyard.compat_clients c
        LEFT JOIN pg_stat_activity a ON a.pid = c.listener_pid AND a.backend_start = c.listener_started AND a.datname = current_database()
        LEFT JOIN switchyard.compat_flag_acks k ON k.client_id = c.client_id AND k.flag_key = $1
        WHERE a.pid IS NOT NULL OR c.heartbeat_at > now() - $2::interval
        ORDER BY c.host, c.os_pid
        """;

    private const string UnregisteredListeners = """
        SELECT NULL::text, coalesce(s.client_addr::text, 'local socket'), NULL::int, coalesce(s.application_name, ''), s.pid, 0::bigint
        FROM pg_stat_activity s
        WHERE s.datname = current_database() AND s.pid <> pg_backend_pid() AND s.backend_type = 'client backend'
          AND lower(btrim(s.query, E' \t\r\n;')) = 'listen ' || $1
        """;

    private const string NotRegistered = """
          AND NOT EXISTS (SELECT 1 FROM switchyard.compat_clients c WHERE c.listener_pid = s.pid AND c.listener_started = s.backend_start)
        ORDER BY s.pid
        """;

    public static async Task<IReadOnlyList<ConnectedClient>> ReadAsync(SafeSqlRunner sql, string flagKey, TimeSpan heartbeatWindow, CancellationToken ct)
    {
        var registered = await sql.ScalarAsync<bool>("SELECT to_regclass('switchyard.compat_clients') IS NOT NULL AND to_regclass('switchyard.compat_flag_acks') IS NOT NULL", ct).ConfigureAwait(false);
        var clients = new List<ConnectedClient>();
        if (registered)
            clients.AddRange(await sql.QueryAsync(Registered, Read, ct, flagKey, heartbeatWindow).ConfigureAwait(false));
        clients.AddRange(await sql.QueryAsync(UnregisteredListeners + (registered ? NotRegistered : " ORDER BY s.pid"), Read, ct, JournalSchema.FlagsChannel).ConfigureAwait(false));
        return clients;
    }

    private static ConnectedClient Read(Npgsql.NpgsqlDataReader r) => new(
        r.IsDBNull(0) ? null : r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetInt32(2), r.GetString(3),
        r.IsDBNull(4) ? null : r.GetInt32(4), r.GetInt64(5));
}
