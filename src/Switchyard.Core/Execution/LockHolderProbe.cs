using Npgsql;

namespace Switchyard.Core.Execution;

/// <summary>Reads <c>pg_locks</c> for sessions whose lock on a table conflicts with a mode we are about to request.</summary>
internal static class LockHolderProbe
{
    private const string Sql = """
        SELECT l.pid, l.mode, l.granted,
               coalesce(a.application_name, ''), coalesce(a.state, ''),
               coalesce(extract(epoch FROM now() - a.xact_start), 0)::float8,
               left(coalesce(a.query, ''), 200), coalesce(a.backend_type, '')
        FROM pg_locks l
        LEFT JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'relation'
          AND l.relation = to_regclass($1)
          AND l.pid <> pg_backend_pid()
          AND l.mode = ANY($2)
        ORDER BY a.xact_start NULLS LAST
        """;

    public static async Task<IReadOnlyList<BlockingSession>> ConflictingHoldersAsync(NpgsqlConnection connection, IReadOnlyList<TableLock> locks, CancellationToken ct)
    {
        var found = new List<BlockingSession>();
        foreach (var tableLock in locks)
        {
            var conflicting = LockModes.Conflicting(tableLock.Mode).Select(LockModes.PgName).ToArray();
            if (conflicting.Length == 0) continue;
            await using var cmd = new NpgsqlCommand(Sql, connection);
            cmd.Parameters.AddWithValue(tableLock.Table.RegclassText);
            cmd.Parameters.AddWithValue(conflicting);
            await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                found.Add(new BlockingSession(reader.GetInt32(0), reader.GetString(1), reader.GetBoolean(2), reader.GetString(3),
                    reader.GetString(4), reader.GetDouble(5), reader.GetString(6)) { BackendType = reader.GetString(7) });
            }
        }
        return found;
    }
}
