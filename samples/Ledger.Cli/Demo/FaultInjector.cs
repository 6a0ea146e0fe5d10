using Switchyard.Cli;
using Npgsql;

namespace Switchyard.Samples.Ledger.Cli.Demo;

/// <summary>The faults <c>--faults</c> injects: what an unlucky day in production does to a migration.</summary>
internal static class FaultInjector
{
    /// <summary>
    /// A reporting job's long transaction: holds ACCESS SHARE on transactions until released. A DDL that
    /// queued behind it would block every payment; the safe runner must wait outside the queue instead.
    /// </summary>
    /// <param name="holding">Set once the lock is held.</param>
    /// <param name="release">The lock is held until this completes.</param>
    public static async Task HoldAccessShareAsync(NpgsqlDataSource db, Task release, TaskCompletionSource<int> holding, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var cmd = new NpgsqlCommand("SET LOCAL application_name = 'demo-long-transaction'; SELECT count(*) FROM transactions WHERE id <= 1000", connection, tx))
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        holding.TrySetResult(connection.ProcessID);
        await release.WaitAsync(ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    public static async Task PauseReplayAsync(NpgsqlDataSource standby, CancellationToken ct)
    {
        await using var cmd = standby.CreateCommand("SELECT pg_wal_replay_pause()");
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public static async Task ResumeReplayAsync(NpgsqlDataSource standby, CancellationToken ct)
    {
        await using var cmd = standby.CreateCommand("SELECT pg_wal_replay_resume()");
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// pg_terminate_backend of one of the migrator's sessions (application_name switchyard…), preferring one inside a
    /// statement or transaction (a backfill batch) over an idle pooled one. Returns what was terminated, or null.
    /// </summary>
    public static async Task<string?> TerminateMigratorBackendAsync(NpgsqlDataSource db, TimeSpan lookFor, CancellationToken ct)
    {
        const string Find = """
            SELECT pid, application_name, state, left(regexp_replace(query, '\s+', ' ', 'g'), 90)
            FROM pg_stat_activity
            WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()
              AND application_name LIKE 'switchyard%' AND ($1 OR state IN ('active', 'idle in transaction'))
            ORDER BY (state = 'active') DESC, backend_start
            LIMIT 1
            """;
        var until = DateTime.UtcNow + lookFor;
        while (true)
        {
            var anyState = DateTime.UtcNow >= until;
            await using (var cmd = db.CreateCommand(Find))
            {
                cmd.Parameters.AddWithValue(anyState);
                await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
                if (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    var pid = reader.GetInt32(0);
                    var what = $"pid {pid} ({reader.GetString(1)}, {(reader.IsDBNull(2) ? "?" : reader.GetString(2))}: {(reader.IsDBNull(3) ? "" : reader.GetString(3))})";
                    await reader.CloseAsync().ConfigureAwait(false);
                    await using var kill = db.CreateCommand("SELECT pg_terminate_backend($1)");
                    kill.Parameters.AddWithValue(pid);
                    if (await kill.ExecuteScalarAsync(ct).ConfigureAwait(false) is true) return what;
                }
            }
            if (anyState) return null;
            await Task.Delay(25, ct).ConfigureAwait(false);
        }
    }
}
