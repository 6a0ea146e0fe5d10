using Npgsql;

namespace Switchyard.Samples.Ledger.Workload;

/// <summary>The id ranges of accounts and merchants the workload draws from.</summary>
internal sealed record LedgerShape(long MaxAccountId, long MaxMerchantId)
{
    public static async Task<LedgerShape> ReadAsync(NpgsqlDataSource ledger, CancellationToken ct)
    {
        await using var connection = await ledger.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand("""
            SELECT to_regclass('transactions') IS NOT NULL AND to_regclass('accounts') IS NOT NULL AND to_regclass('merchants') IS NOT NULL
            """, connection);
        var database = connection.Database;
        if (!(bool)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!)
        {
            throw new Core.SwitchyardException($"Database '{database}' holds no ledger (tables accounts, merchants, transactions).",
                "Seed one first: switchyard-ledger ledger seed --rows 200000");
        }
        await using var ids = new NpgsqlCommand("SELECT (SELECT coalesce(max(id), 0) FROM accounts), (SELECT coalesce(max(id), 0) FROM merchants)", connection);
        await using var reader = await ids.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await reader.ReadAsync(ct).ConfigureAwait(false);
        var shape = new LedgerShape(reader.GetInt64(0), reader.GetInt64(1));
        if (shape.MaxAccountId < 1 || shape.MaxMerchantId < 1)
        {
            throw new Core.SwitchyardException($"The ledger in database '{database}' has no accounts or no merchants to pay with.",
                "Seed it: switchyard-ledger ledger seed --rows 200000 --replace");
        }
        return shape;
    }
}
