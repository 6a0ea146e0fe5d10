using Npgsql;

namespace Switchyard.Compat;

/// <summary>Creates the compat library's own tables in the <c>switchyard</c> schema when missing.</summary>
internal static class CompatSchema
{
    /// <summary>Runs the CREATE … IF NOT EXISTS statements in one short transaction, serialized by an advisory lock so a fleet starting at once does not race.</summary>
    public static async Task EnsureAsync(NpgsqlDataSource dataSource, IReadOnlyList<string> creates, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                string[] setup =
                [
                    "SET LOCAL lock_timeout = '2s'",
                    "SET LOCAL statement_timeout = '10s'",
                    "SELECT pg_advisory_xact_lock(hashtext('switchyard.compat_schema'))",
                    "CREATE SCHEMA IF NOT EXISTS switchyard",
                ];
                foreach (var sql in setup.Concat(creates))
                {
                    await using var cmd = new NpgsqlCommand(sql, connection, tx);
                    await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
                await tx.CommitAsync(ct).ConfigureAwait(false);
            }
        }
    }
}
