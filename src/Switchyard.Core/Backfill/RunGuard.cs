using Npgsql;

namespace Switchyard.Core.Backfill;

/// <summary>
/// One backfill process per migration: a session-level advisory lock held on a dedicated connection for the whole run.
/// A killed process's session ends with it, so the lock never outlives its owner.
/// </summary>
internal sealed class RunGuard : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;

    private readonly string _migration;

    private RunGuard(NpgsqlConnection connection, string migration)
    {
        _connection = connection;
        _migration = migration;
    }

    public static async Task<RunGuard> AcquireAsync(NpgsqlDataSource dataSource, string migration, CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended('switchyard.backfill:' || $1, 0))", connection);
        cmd.Parameters.AddWithValue(migration);
        if ((bool)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!) return new RunGuard(connection, migration);
        await connection.DisposeAsync().ConfigureAwait(false);
        throw new SwitchyardException($"another Switchyard process is already backfilling migration '{migration}'.",
            "Wait for it to finish, or find it with: SELECT pid, application_name FROM pg_locks JOIN pg_stat_activity USING (pid) WHERE locktype = 'advisory'.");
    }

    public async ValueTask DisposeAsync()
    {
        // A pooled connection keeps its session (and the lock) after Dispose, so release it explicitly.
        try
        {
            await using var cmd = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtextextended('switchyard.backfill:' || $1, 0))", _connection);
            cmd.Parameters.AddWithValue(_migration);
            await cmd.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (NpgsqlException)
        {
            // The session is gone, and the lock with it.
        }
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
