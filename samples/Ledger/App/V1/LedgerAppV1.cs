using Npgsql;
using Switchyard.Samples.Ledger.Schema;

namespace Switchyard.Samples.Ledger.App.V1;

/// <summary>
/// The legacy payments service: knows only <c>transactions.status</c>, writes canonical lower-case codes, and reads
/// statuses and balances with the ledger's legacy definition (<see cref="LedgerStatuses.CanonicalSql"/>). Every
/// lifecycle step is one guarded statement, so concurrent steps on a row can never move it backwards.
/// </summary>
public sealed class LedgerAppV1 : ILedgerApp
{
    private static readonly string Canonical = LedgerStatuses.CanonicalSql("status");

    private static readonly string AuthorizeSql = $"""
        INSERT INTO transactions (account_id, merchant_id, amount_minor, currency, status, auth_code, created_at, updated_at)
        VALUES ($1, $2, $3, $4, '{LedgerStatuses.Authorized}', lpad((floor(random() * 1000000))::int::text, 6, '0'), now(), now())
        RETURNING id
        """;

    private static readonly string ChargebackSql = $"""
        WITH moved AS (
            UPDATE transactions SET status = '{LedgerStatuses.ChargedBack}', updated_at = now()
            WHERE id = $1 AND {Canonical} = '{LedgerStatuses.Settled}'
            RETURNING id, amount_minor
        )
        INSERT INTO chargebacks (transaction_id, amount_minor, reason_code, opened_at)
        SELECT id, amount_minor, $2, now() FROM moved
        """;

    // The ledger's own balance definition, narrowed to one account (the planner pushes the filter below the GROUP BY).
    private static readonly string BalanceSql = $"SELECT held_minor, settled_minor, refunded_minor, charged_back_minor FROM ({LedgerSchema.AccountBalancesSql}) b WHERE account_id = $1";

    private static readonly string RecentSql = $"""
        SELECT id, amount_minor, currency, {Canonical}, created_at
        FROM transactions WHERE account_id = $1
        ORDER BY created_at DESC LIMIT $2
        """;

    private readonly NpgsqlDataSource _dataSource;

    /// <param name="dataSource">The ledger database; the app owns none of its lifetime.</param>
    /// <param name="version">The name shown in the workload's per-version counters.</param>
    public LedgerAppV1(NpgsqlDataSource dataSource, string version = "v1")
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        _dataSource = dataSource;
        Version = version;
    }

    public string Version { get; }

    public async Task<long> AuthorizeAsync(long accountId, long merchantId, long amountMinor, string currency, CancellationToken ct)
    {
        await using var cmd = _dataSource.CreateCommand(AuthorizeSql);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = accountId });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = merchantId });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = amountMinor });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = currency });
        return (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    public Task<bool> CaptureAsync(long transactionId, CancellationToken ct) =>
        MoveAsync(transactionId, LedgerStatuses.Authorized, LedgerStatuses.Captured, ct);

    public Task<bool> SettleAsync(long transactionId, CancellationToken ct) =>
        MoveAsync(transactionId, LedgerStatuses.Captured, LedgerStatuses.Settled, ct);

    public Task<bool> RefundAsync(long transactionId, CancellationToken ct) =>
        MoveAsync(transactionId, LedgerStatuses.Settled, LedgerStatuses.Refunded, ct);

    public async Task<bool> ChargebackAsync(long transactionId, string reasonCode, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reasonCode);
        // One statement: the status change and the chargebacks row commit together or not at all.
        await using var cmd = _dataSource.CreateCommand(ChargebackSql);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = transactionId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reasonCode });
        return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
    }

    public async Task<string?> ReadStatusAsync(long transactionId, CancellationToken ct)
    {
        await using var cmd = _dataSource.CreateCommand($"SELECT {Canonical} FROM transactions WHERE id = $1");
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = transactionId });
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
    }

    public async Task<AccountBalance> ReadBalanceAsync(long accountId, CancellationToken ct)
    {
        await using var cmd = _dataSource.CreateCommand(BalanceSql);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = accountId });
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await reader.ReadAsync(ct).ConfigureAwait(false)) return new AccountBalance(accountId, 0, 0, 0, 0);
        return new AccountBalance(accountId, reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
    }

    public async Task<IReadOnlyList<TransactionView>> RecentTransactionsAsync(long accountId, int limit, CancellationToken ct)
    {
        await using var cmd = _dataSource.CreateCommand(RecentSql);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = accountId });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var views = new List<TransactionView>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            views.Add(new TransactionView(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4)));
        }
        return views;
    }

    /// <summary>One guarded step: changes the row only if it is in <paramref name="from"/> (as the ledger reads status).</summary>
    private async Task<bool> MoveAsync(long transactionId, string from, string to, CancellationToken ct)
    {
        await using var cmd = _dataSource.CreateCommand(
            $"UPDATE transactions SET status = '{to}', updated_at = now() WHERE id = $1 AND {Canonical} = '{from}'");
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = transactionId });
        return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
    }
}
