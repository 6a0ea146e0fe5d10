using Npgsql;

namespace Switchyard.Core.Execution;

public sealed partial class SafeSqlRunner
{
    /// <summary>
    /// Reads rows with one statement that scans a whole table while the applications run (a pre-flight before a
    /// backfill): under <see cref="TransactionTimeouts.FullScan"/>, since a table of billions of rows takes minutes, and
    /// in one process. With the server's parallel workers the scan takes every core for its length, and a backfill that
    /// yields to the payments' latency must not start with a second of them waiting behind it.
    /// </summary>
    public Task<IReadOnlyList<T>> BackgroundScanAsync<T>(string sql, Func<NpgsqlDataReader, T> map, string description, CancellationToken ct, params object?[] parameters) =>
        InTransactionAsync<IReadOnlyList<T>>(async (c, tx, token) =>
        {
            await LimitParallelWorkersAsync(c, tx, 0, token).ConfigureAwait(false);
            return await ReadAllAsync(c, tx, sql, map, token, parameters).ConfigureAwait(false);
        }, ct, TransactionTimeouts.FullScan, description);

    /// <summary>Caps the parallel workers of <paramref name="tx"/>'s queries (<c>max_parallel_workers_per_gather</c>, a bound value, until it ends).</summary>
    private static async Task LimitParallelWorkersAsync(NpgsqlConnection c, NpgsqlTransaction tx, int workers, CancellationToken ct)
    {
        await using var limit = Command("SELECT set_config('max_parallel_workers_per_gather', $1, true)", c, tx, workers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await limit.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Runs one parameterized query in <paramref name="tx"/> and maps every row it returns.</summary>
    public static async Task<List<T>> ReadAllAsync<T>(NpgsqlConnection c, NpgsqlTransaction tx, string sql, Func<NpgsqlDataReader, T> map, CancellationToken ct, params object?[] parameters)
    {
        await using var cmd = Command(sql, c, tx, parameters);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false)) rows.Add(map(reader));
        return rows;
    }
}
