namespace Switchyard.Compat.Acks;

/// <summary>
/// <c>switchyard.compat_clients</c> (one row per running <see cref="Flags.FlagClient"/>: host, OS pid, and the backend
/// pid + start of its LISTEN session) and <c>switchyard.compat_flag_acks</c> (the flag version each client applied).
/// A rollback waits on them until every connected client reads legacy before it drops what the clients read.
/// </summary>
public static class FlagAcksTable
{
    public const string CreateClientsSql = """
        CREATE TABLE IF NOT EXISTS switchyard.compat_clients (
            client_id        uuid        PRIMARY KEY,
            host             text        NOT NULL,
            os_pid           int         NOT NULL,
            application_name text        NOT NULL,
            listener_pid     int,
            listener_started timestamptz,
            started_at       timestamptz NOT NULL DEFAULT now(),
            heartbeat_at     timestamptz NOT NULL DEFAULT now()
        )
        """;

    public const string CreateAcksSql = """
        CREATE TABLE IF NOT EXISTS switchyard.compat_flag_acks (
            client_id uuid        NOT NULL,
            flag_key  text        NOT NULL,
            version   bigint      NOT NULL,
            acked_at  timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (client_id, flag_key)
        )
        """;

    /// <summary>Run on the LISTEN connection itself: records which backend listens for this client ($1 id, $2 host, $3 OS pid).</summary>
    public const string RegisterListenerSql = """
        INSERT INTO switchyard.compat_clients AS c (client_id, host, os_pid, application_name, listener_pid, listener_started)
        SELECT $1, $2, $3, current_setting('application_name'), a.pid, a.backend_start
        FROM pg_stat_activity a WHERE a.pid = pg_backend_pid()
        ON CONFLICT (client_id) DO UPDATE
        SET listener_pid = EXCLUDED.listener_pid, listener_started = EXCLUDED.listener_started, heartbeat_at = now()
        """;

    /// <summary>Heartbeat plus the versions applied ($4 flag keys, $5 versions), in one statement.</summary>
    public const string AcknowledgeSql = """
        WITH client AS (
            INSERT INTO switchyard.compat_clients AS c (client_id, host, os_pid, application_name)
            VALUES ($1, $2, $3, current_setting('application_name'))
            ON CONFLICT (client_id) DO UPDATE SET heartbeat_at = now()
        )
        INSERT INTO switchyard.compat_flag_acks AS k (client_id, flag_key, version, acked_at)
        SELECT $1, u.flag_key, u.version, now() FROM unnest($4::text[], $5::bigint[]) AS u(flag_key, version)
        ON CONFLICT (client_id, flag_key) DO UPDATE SET version = EXCLUDED.version, acked_at = now()
        """;

    public const string UnregisterSql = """
        WITH acks AS (DELETE FROM switchyard.compat_flag_acks WHERE client_id = $1)
        DELETE FROM switchyard.compat_clients WHERE client_id = $1
        """;
}
