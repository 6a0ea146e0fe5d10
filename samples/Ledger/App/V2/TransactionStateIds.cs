using Npgsql;

namespace Switchyard.Samples.Ledger.App.V2;

/// <summary>
/// The <c>transaction_state</c> code ↔ id map, read once on first use (the lookup table only appears after Expand, and
/// app v2 in legacy mode never needs it), and re-read when a code is unknown.
/// </summary>
internal sealed class TransactionStateIds(NpgsqlDataSource dataSource)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile IReadOnlyDictionary<string, int>? _ids;

    public async Task<int> IdAsync(string code, CancellationToken ct)
    {
        if (_ids is { } ids && ids.TryGetValue(code, out var id)) return id;
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_ids is { } again && again.TryGetValue(code, out id)) return id;
            var loaded = new Dictionary<string, int>(StringComparer.Ordinal);
            await using var cmd = dataSource.CreateCommand("SELECT code, id FROM transaction_state");
            await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) loaded[reader.GetString(0)] = Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
            _ids = loaded;
            return loaded.TryGetValue(code, out id)
                ? id
                : throw new InvalidOperationException($"transaction_state has no code '{code}'; the Expand phase seeds every lifecycle code — check the migration ran.");
        }
        finally
        {
            _gate.Release();
        }
    }
}
