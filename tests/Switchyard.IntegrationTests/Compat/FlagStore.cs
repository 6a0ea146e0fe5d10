using Npgsql;
using Switchyard.Compat.Flags;
using Switchyard.Core.Journal;

namespace Switchyard.IntegrationTests.Compat;

/// <summary>Sets flags the way the engine's cutover does: one upsert that bumps the version (and so NOTIFYs).</summary>
internal static class FlagStore
{
    public static Task EnsureAsync(Infrastructure.TestDatabase db) => JournalSchema.EnsureAsync(db.Runner(), CancellationToken.None);

    public static async Task<long> SetAsync(NpgsqlDataSource dataSource, string flagKey, ReadMode read, int percent, WriteMode write)
    {
        await using var cmd = dataSource.CreateCommand("""
            INSERT INTO switchyard.flags AS f (flag_key, read_mode, read_percent, write_mode, updated_at, updated_by)
            VALUES ($1, $2, $3, $4, clock_timestamp(), 'compat-tests')
            ON CONFLICT (flag_key) DO UPDATE
            SET read_mode = EXCLUDED.read_mode, read_percent = EXCLUDED.read_percent, write_mode = EXCLUDED.write_mode,
                version = f.version + 1, updated_at = clock_timestamp(), updated_by = EXCLUDED.updated_by
            RETURNING version
            """);
        cmd.Parameters.AddWithValue(flagKey);
        cmd.Parameters.AddWithValue(CompatFlag.ToSql(read));
        cmd.Parameters.AddWithValue(percent);
        cmd.Parameters.AddWithValue(CompatFlag.ToSql(write));
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Waits (bounded, for a failing test to end) until <paramref name="client"/> has at least <paramref name="version"/>.</summary>
    public static async Task<CompatFlag> WaitForVersionAsync(FlagClient client, string flagKey, long version, TimeSpan? limit = null)
    {
        using var timeout = new CancellationTokenSource(limit ?? TimeSpan.FromSeconds(30));
        while (client.Current(flagKey).Version < version)
            await Task.Delay(10, timeout.Token);
        return client.Current(flagKey);
    }
}
