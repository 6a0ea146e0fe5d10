using Npgsql;
using Switchyard.Core.Execution;

namespace Switchyard.Core.LocalPostgres;

/// <summary>Creates a database of the managed cluster on first use (the default one, or one a command names).</summary>
public static class ManagedDatabase
{
    /// <param name="serverConnectionString">Any database of the server, as its superuser.</param>
    public static async Task EnsureAsync(string serverConnectionString, string database, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(serverConnectionString);
        await conn.OpenAsync(ct).ConfigureAwait(false);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", conn);
        exists.Parameters.AddWithValue(database);
        if (await exists.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null) return;
        await using var create = new NpgsqlCommand($"CREATE DATABASE {Ident.Quote(database)}", conn);
        await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
