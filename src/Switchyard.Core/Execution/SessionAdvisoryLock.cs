using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Switchyard.Core.Execution;

/// <summary>
/// A session-level advisory lock held on a dedicated connection for a whole run: a second runner is refused naming the
/// holder's pid and application_name; a killed runner's lock goes with its connection. The engine holds one per target
/// table, the backfill one per migration.
/// </summary>
public sealed class SessionAdvisoryLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly long _key;

    private SessionAdvisoryLock(NpgsqlConnection connection, long key)
    {
        _connection = connection;
        _key = key;
    }

    /// <summary>The 64-bit key of a lock name (stable across processes and versions of the server).</summary>
    public static long KeyFor(string name) => BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes(name)), 0);

    /// <param name="refusal">Builds the error when another session holds the lock, from a description of the holder.</param>
    public static async Task<SessionAdvisoryLock> AcquireAsync(NpgsqlDataSource dataSource, string name, Func<string, SwitchyardException> refusal, CancellationToken ct)
    {
        var key = KeyFor(name);
        var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        try
        {
            await using var cmd = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection);
            cmd.Parameters.AddWithValue(key);
            if ((bool)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!) return new SessionAdvisoryLock(connection, key);
            throw refusal(await HolderAsync(connection, key, ct).ConfigureAwait(false) ?? "the lock holder left just now");
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<string?> HolderAsync(NpgsqlConnection connection, long key, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT l.pid, coalesce(a.application_name, ''), coalesce(a.usename::text, ''), coalesce(a.client_addr::text, 'local'), a.backend_start
            FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND l.classid::bigint = $1 AND l.objid::bigint = $2
            """, connection);
        cmd.Parameters.AddWithValue((long)((ulong)key >> 32));
        cmd.Parameters.AddWithValue((long)((ulong)key & 0xFFFFFFFF));
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await reader.ReadAsync(ct).ConfigureAwait(false)) return null;
        return $"held by pid {reader.GetInt32(0)} (application_name '{reader.GetString(1)}', user {reader.GetString(2)}, from {reader.GetString(3)}, connected since {reader.GetFieldValue<DateTimeOffset>(4):u})";
    }

    /// <summary>The server process of the session that holds the lock.</summary>
    public int BackendPid => _connection.ProcessID;

    /// <summary>
    /// True while the session holding the lock is alive. False once it was terminated or the server restarted: the
    /// lock went with it, and this process must take it again before relying on it. Not thread-safe, like the connection.
    /// </summary>
    public async Task<bool> SessionAliveAsync(CancellationToken ct)
    {
        try
        {
            await using var cmd = new NpgsqlCommand("SELECT 1", _connection);
            await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // A pooled connection keeps its session (and the lock) after Dispose, so release it explicitly.
        try
        {
            await using var cmd = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", _connection);
            cmd.Parameters.AddWithValue(_key);
            await cmd.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The connection is gone, and the lock with it.
        }
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
