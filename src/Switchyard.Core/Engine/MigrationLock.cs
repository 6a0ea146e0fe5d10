using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Engine;

/// <summary>
/// A session advisory lock per target table, held on a dedicated connection for the whole run: a second runner is
/// refused with the holder's pid and application_name; a killed runner's lock goes with its connection.
/// </summary>
public sealed class MigrationLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly long _key;

    private MigrationLock(NpgsqlConnection connection, long key)
    {
        _connection = connection;
        _key = key;
    }

    public static long KeyFor(QualifiedName table) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("switchyard:" + table)), 0);

    public static async Task<MigrationLock> AcquireAsync(NpgsqlDataSource dataSource, QualifiedName table, CancellationToken ct)
    {
        var key = KeyFor(table);
        var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        try
        {
            await using var cmd = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection);
            cmd.Parameters.AddWithValue(key);
            if ((bool)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!) return new MigrationLock(connection, key);
            var holder = await HolderAsync(connection, key, ct).ConfigureAwait(false);
            throw new SwitchyardException(
                $"Another Switchyard run is migrating {table}: {holder ?? "the lock holder left just now"}.",
                "Wait for it to finish (`switchyard status`), or if that process is gone for good end its session with SELECT pg_terminate_backend(<pid>), then re-run: work continues from the journal.");
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

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var cmd = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", _connection);
            cmd.Parameters.AddWithValue(_key);
            await cmd.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (NpgsqlException)
        {
            // The connection is gone, and the lock with it.
        }
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
