using Npgsql;

namespace Switchyard.Compat.Flags;

/// <summary>Reads rows of <c>switchyard.flags</c>. A missing store (engine not run yet) reads as no flags: everything legacy.</summary>
internal static class FlagStoreReader
{
    private const string Columns = "flag_key, read_mode, read_percent, write_mode, version, updated_at";

    public static Task<IReadOnlyList<CompatFlag>?> ReadAllAsync(NpgsqlConnection connection, CancellationToken ct) =>
        ReadAsync(connection, $"SELECT {Columns} FROM switchyard.flags", null, ct);

    public static Task<IReadOnlyList<CompatFlag>?> ReadKeysAsync(NpgsqlConnection connection, string[] keys, CancellationToken ct) =>
        ReadAsync(connection, $"SELECT {Columns} FROM switchyard.flags WHERE flag_key = ANY($1)", keys, ct);

    /// <returns>The rows, or null when the flag store does not exist.</returns>
    private static async Task<IReadOnlyList<CompatFlag>?> ReadAsync(NpgsqlConnection connection, string sql, string[]? keys, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection) { CommandTimeout = 10 };
        if (keys is not null) cmd.Parameters.AddWithValue(keys);
        try
        {
            var flags = new List<CompatFlag>();
            await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                flags.Add(new CompatFlag(
                    reader.GetString(0),
                    CompatFlag.ParseReadMode(reader.GetString(1)),
                    reader.GetInt32(2),
                    CompatFlag.ParseWriteMode(reader.GetString(3)),
                    reader.GetInt64(4),
                    reader.GetFieldValue<DateTimeOffset>(5)));
            }
            return flags;
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
        {
            return null;
        }
    }
}
