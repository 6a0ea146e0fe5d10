using Npgsql;

namespace Switchyard.IntegrationTests.Guards;

/// <summary>The guard events a test's database journaled, oldest first.</summary>
internal static class GuardJournalRows
{
    public sealed record Row(long Id, string Message, string? Action, string Data);

    public static async Task<IReadOnlyList<Row>> ReadAsync(NpgsqlDataSource dataSource, long afterId = 0)
    {
        await using var cmd = dataSource.CreateCommand(
            "SELECT id, message, data->>'action', data::text FROM switchyard.events WHERE kind = 'guard' AND id > $1 ORDER BY id");
        cmd.Parameters.AddWithValue(afterId);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<Row>();
        while (await reader.ReadAsync())
            rows.Add(new Row(reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3)));
        return rows;
    }
}
