using System.Data;
using System.Globalization;
using Npgsql;
using Switchyard.Compat.Flags;
using Switchyard.Compat.Reads;
using Switchyard.Compat.Writes;
using Switchyard.Samples.Ledger.Schema;

namespace Switchyard.Samples.Ledger.App.V2;

/// <summary>
/// App v2: knows both shapes of the lifecycle (<c>status</c> text and <c>state_id</c> → <c>transaction_state</c>) and
/// lets the Switchyard flags decide, per call, which columns a write sets and which shape a read uses. Status reads
/// are routed by transaction id, balance and recent-transaction reads by account id (so one customer's views move
/// together). Writes in legacy and both modes select rows by the legacy column, which stays complete until Contract;
/// only new mode (after backfill and validation) relies on state_id alone.
/// </summary>
public sealed class LedgerAppV2 : ILedgerApp
{
    /// <summary>The flag of the flagship migration: <c>schema.table.source_column</c>.</summary>
    public const string FlagKey = "public.transactions.status";

    private static readonly string LegacyCode = LedgerStatuses.CanonicalSql("t.status");
    private readonly NpgsqlDataSource _dataSource;
    private readonly ICompatFlags _flags;
    private readonly CompatReader _reader;
    private readonly TransactionStateIds _stateIds;

    public LedgerAppV2(NpgsqlDataSource dataSource, ICompatFlags flags, CompatReader reader)
    {
        _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
        _flags = flags ?? throw new ArgumentNullException(nameof(flags));
        _reader = reader ?? throw new ArgumentNullException(nameof(reader));
        _stateIds = new TransactionStateIds(dataSource);
    }

    public string Version => "v2";

    public async Task<long> AuthorizeAsync(long accountId, long merchantId, long amountMinor, string currency, CancellationToken ct)
    {
        var plan = WritePlan.For(_flags, FlagKey);
        var columns = "account_id, merchant_id, amount_minor, currency, auth_code, created_at, updated_at";
        var values = "$1, $2, $3, $4, upper(substr(md5(random()::text), 1, 6)), now(), now()";
        await using var cmd = _dataSource.CreateCommand();
        cmd.Parameters.AddWithValue(accountId);
        cmd.Parameters.AddWithValue(merchantId);
        cmd.Parameters.AddWithValue(amountMinor);
        cmd.Parameters.AddWithValue(currency);
        if (plan.WritesLegacy)
        {
            columns += ", status";
            values += $", ${cmd.Parameters.Count + 1}";
            cmd.Parameters.AddWithValue(LedgerStatuses.Authorized);
        }
        if (plan.WritesNew)
        {
            columns += ", state_id";
            values += $", ${cmd.Parameters.Count + 1}";
            cmd.Parameters.AddWithValue(await _stateIds.IdAsync(LedgerStatuses.Authorized, ct).ConfigureAwait(false));
        }
        cmd.CommandText = $"INSERT INTO transactions ({columns}) VALUES ({values}) RETURNING id";
        return (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    public Task<bool> CaptureAsync(long transactionId, CancellationToken ct) =>
        TransitionAsync(transactionId, LedgerStatuses.Authorized, LedgerStatuses.Captured, null, ct);

    public Task<bool> SettleAsync(long transactionId, CancellationToken ct) =>
        TransitionAsync(transactionId, LedgerStatuses.Captured, LedgerStatuses.Settled, null, ct);

    public Task<bool> RefundAsync(long transactionId, CancellationToken ct) =>
        TransitionAsync(transactionId, LedgerStatuses.Settled, LedgerStatuses.Refunded, null, ct);

    public Task<bool> ChargebackAsync(long transactionId, string reasonCode, CancellationToken ct) =>
        TransitionAsync(transactionId, LedgerStatuses.Settled, LedgerStatuses.ChargedBack, reasonCode, ct);

    /// <summary>One lifecycle step as a single statement (with its chargebacks row, when there is one), so it is atomic.</summary>
    private async Task<bool> TransitionAsync(long transactionId, string from, string to, string? chargebackReason, CancellationToken ct)
    {
        var plan = WritePlan.For(_flags, FlagKey);
        await using var cmd = _dataSource.CreateCommand();
        cmd.Parameters.AddWithValue(transactionId);
        var sets = new List<string> { "updated_at = now()" };
        if (plan.WritesLegacy)
        {
            sets.Add($"status = ${cmd.Parameters.Count + 1}");
            cmd.Parameters.AddWithValue(to);
        }
        if (plan.WritesNew)
        {
            sets.Add($"state_id = ${cmd.Parameters.Count + 1}");
            cmd.Parameters.AddWithValue(await _stateIds.IdAsync(to, ct).ConfigureAwait(false));
        }
        string where;
        if (plan.WritesLegacy)
        {
            where = $"{LegacyCode} = ${cmd.Parameters.Count + 1}";
            cmd.Parameters.AddWithValue(from);
        }
        else
        {
            where = $"t.state_id = ${cmd.Parameters.Count + 1}";
            cmd.Parameters.AddWithValue(await _stateIds.IdAsync(from, ct).ConfigureAwait(false));
        }
        var update = $"UPDATE transactions t SET {string.Join(", ", sets)} WHERE t.id = $1 AND {where} RETURNING t.id, t.amount_minor";
        if (chargebackReason is null)
        {
            cmd.CommandText = update;
        }
        else
        {
            cmd.CommandText = $"""
                WITH moved AS ({update})
                INSERT INTO chargebacks (transaction_id, amount_minor, reason_code, opened_at)
                SELECT id, amount_minor, ${cmd.Parameters.Count + 1}, now() FROM moved
                """;
            cmd.Parameters.AddWithValue(chargebackReason);
        }
        return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
    }

    public Task<string?> ReadStatusAsync(long transactionId, CancellationToken ct) =>
        _reader.ReadAsync(FlagKey, transactionId.ToString(CultureInfo.InvariantCulture), new CompatRead<string?>(
            c => StatusAsync($"SELECT {LegacyCode}, NULL FROM transactions t WHERE t.id = $1", transactionId, c, legacy: true),
            c => StatusAsync($"SELECT NULL, s.code FROM transactions t LEFT JOIN transaction_state s ON s.id = t.state_id WHERE t.id = $1", transactionId, c, legacy: false))
        {
            Both = async c =>
            {
                await using var cmd = _dataSource.CreateCommand($"SELECT {LegacyCode}, s.code FROM transactions t LEFT JOIN transaction_state s ON s.id = t.state_id WHERE t.id = $1");
                cmd.Parameters.AddWithValue(transactionId);
                await using var reader = await cmd.ExecuteReaderAsync(c).ConfigureAwait(false);
                if (!await reader.ReadAsync(c).ConfigureAwait(false)) return (null, null);
                return (reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
            },
        }, ct);

    private async Task<string?> StatusAsync(string sql, long transactionId, CancellationToken ct, bool legacy)
    {
        await using var cmd = _dataSource.CreateCommand(sql);
        cmd.Parameters.AddWithValue(transactionId);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await reader.ReadAsync(ct).ConfigureAwait(false)) return null;
        var ordinal = legacy ? 0 : 1;
        return reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
    }

    public Task<AccountBalance> ReadBalanceAsync(long accountId, CancellationToken ct)
    {
        const string NewCode = "s.code";
        return _reader.ReadAsync(FlagKey, accountId.ToString(CultureInfo.InvariantCulture), new CompatRead<AccountBalance>(
            c => BalanceAsync(accountId, LegacyCode, joinState: false, c),
            c => BalanceAsync(accountId, NewCode, joinState: true, c))
        {
            Both = async c =>
            {
                // One statement: both shapes from one snapshot, so a concurrent payment is not a false mismatch.
                await using var cmd = _dataSource.CreateCommand($"""
                    SELECT {BalanceColumns(LegacyCode)}, {BalanceColumns(NewCode)}
                    FROM transactions t LEFT JOIN transaction_state s ON s.id = t.state_id
                    WHERE t.account_id = $1
                    """);
                cmd.Parameters.AddWithValue(accountId);
                await using var reader = await cmd.ExecuteReaderAsync(c).ConfigureAwait(false);
                await reader.ReadAsync(c).ConfigureAwait(false);
                return (new AccountBalance(accountId, reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)),
                        new AccountBalance(accountId, reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7)));
            },
        }, ct);
    }

    private static string BalanceColumns(string code) => $"""
        coalesce(sum(t.amount_minor) FILTER (WHERE {code} IN ('authorized', 'captured')), 0)::bigint,
        coalesce(sum(t.amount_minor) FILTER (WHERE {code} = 'settled'), 0)::bigint,
        coalesce(sum(t.amount_minor) FILTER (WHERE {code} = 'refunded'), 0)::bigint,
        coalesce(sum(t.amount_minor) FILTER (WHERE {code} = 'charged_back'), 0)::bigint
        """;

    private async Task<AccountBalance> BalanceAsync(long accountId, string code, bool joinState, CancellationToken ct)
    {
        var join = joinState ? "LEFT JOIN transaction_state s ON s.id = t.state_id" : "";
        await using var cmd = _dataSource.CreateCommand($"SELECT {BalanceColumns(code)} FROM transactions t {join} WHERE t.account_id = $1");
        cmd.Parameters.AddWithValue(accountId);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await reader.ReadAsync(ct).ConfigureAwait(false);
        return new AccountBalance(accountId, reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
    }

    public Task<IReadOnlyList<TransactionView>> RecentTransactionsAsync(long accountId, int limit, CancellationToken ct) =>
        _reader.ReadAsync(FlagKey, accountId.ToString(CultureInfo.InvariantCulture), new CompatRead<IReadOnlyList<TransactionView>>(
            async c => (await RecentAsync(accountId, limit, ReadPath.Legacy, c).ConfigureAwait(false)).Legacy,
            async c => (await RecentAsync(accountId, limit, ReadPath.New, c).ConfigureAwait(false)).New)
        {
            Both = c => RecentAsync(accountId, limit, ReadPath.Shadow, c),
            Comparer = SequenceComparer<TransactionView>.Instance,
        }, ct);

    /// <summary>
    /// The risk model's page. Legacy never touches transaction_state (it may not exist yet); shadow reads both shapes
    /// from one statement, so the two lists describe the same rows at the same moment.
    /// </summary>
    private async Task<(IReadOnlyList<TransactionView> Legacy, IReadOnlyList<TransactionView> New)> RecentAsync(long accountId, int limit, ReadPath path, CancellationToken ct)
    {
        var (legacyCode, newCode, join) = path switch
        {
            ReadPath.Legacy => (LegacyCode, "NULL::text", ""),
            ReadPath.New => ("NULL::text", "s.code", "LEFT JOIN transaction_state s ON s.id = t.state_id"),
            _ => (LegacyCode, "s.code", "LEFT JOIN transaction_state s ON s.id = t.state_id"),
        };
        await using var cmd = _dataSource.CreateCommand($"""
            SELECT t.id, t.amount_minor, t.currency, {legacyCode}, {newCode}, t.created_at
            FROM transactions t {join}
            WHERE t.account_id = $1
            ORDER BY t.created_at DESC, t.id DESC
            LIMIT $2
            """);
        cmd.Parameters.AddWithValue(accountId);
        cmd.Parameters.AddWithValue(limit);
        var legacy = new List<TransactionView>();
        var next = new List<TransactionView>();
        await using var reader = await cmd.ExecuteReaderAsync(CommandBehavior.Default, ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            var id = reader.GetInt64(0);
            var amount = reader.GetInt64(1);
            var currency = reader.GetString(2);
            var created = reader.GetFieldValue<DateTimeOffset>(5);
            legacy.Add(new TransactionView(id, amount, currency, reader.IsDBNull(3) ? "" : reader.GetString(3), created));
            next.Add(new TransactionView(id, amount, currency, reader.IsDBNull(4) ? "" : reader.GetString(4), created));
        }
        return (legacy, next);
    }
}
