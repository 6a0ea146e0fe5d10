using Npgsql;
using Switchyard.Core.Operations;
using Switchyard.Core.Operations.NormalizeColumn;
using Switchyard.Core.Planning;
using Switchyard.Samples.Ledger.Schema;

namespace Switchyard.Samples.Ledger.Invariants;

/// <summary>Reads <see cref="LedgerInvariants"/> from whichever shape the ledger is in: legacy, mid-migration, or contracted.</summary>
public static class LedgerInvariantsReader
{
    public static Task<LedgerInvariants> ReadAsync(NpgsqlDataSource dataSource, CancellationToken ct) => ReadAsync(dataSource, null, ct);

    /// <summary>
    /// The invariants of the transactions with id ≤ <paramref name="maxTransactionId"/> (and their chargebacks) only:
    /// under live traffic the rows a workload adds change the totals, while the rows that existed before must not change.
    /// </summary>
    public static Task<LedgerInvariants> ReadAsync(NpgsqlDataSource dataSource, long? maxTransactionId, CancellationToken ct) =>
        ReadAsync(dataSource, maxTransactionId, LedgerFlagship.Target(), ct);

    /// <param name="mapping">
    /// The migration's mapping (its spec's normalize_column, unmapped policy included): status/state agreement is judged
    /// exactly as validate's mismatch check judges it, so the two never disagree on what a disagreement is.
    /// </param>
    public static async Task<LedgerInvariants> ReadAsync(NpgsqlDataSource dataSource, long? maxTransactionId, NormalizationTarget mapping, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        var rows = maxTransactionId is { } max ? $" WHERE t.id <= {max.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "";
        var chargebackRows = maxTransactionId is { } cbMax ? $" WHERE transaction_id <= {cbMax.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "";
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        // One snapshot for every figure, so concurrent writers cannot make the parts disagree.
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct).ConfigureAwait(false);
        var hasStatus = await ColumnExistsAsync(connection, "status", ct).ConfigureAwait(false);
        var hasStateId = await ColumnExistsAsync(connection, "state_id", ct).ConfigureAwait(false);

        var totals = await ReadRowAsync(connection, $"SELECT count(*), coalesce(sum(amount_minor), 0)::numeric FROM transactions t{rows}", ct).ConfigureAwait(false);
        var chargebacks = await ReadRowAsync(connection, $"SELECT count(*), coalesce(sum(amount_minor), 0)::numeric FROM chargebacks{chargebackRows}", ct).ConfigureAwait(false);

        var statusExpression = hasStatus
            ? LedgerStatuses.CanonicalSql("t.status")
            : "(SELECT s.code FROM transaction_state s WHERE s.id = t.state_id)";
        var balances = $"""
            SELECT coalesce(md5(string_agg(format('%s:%s:%s:%s:%s', account_id, held, settled, refunded, charged_back), ',' ORDER BY account_id)), '')
            FROM (
                SELECT t.account_id,
                       coalesce(sum(t.amount_minor) FILTER (WHERE {statusExpression} IN ('authorized', 'captured')), 0) AS held,
                       coalesce(sum(t.amount_minor) FILTER (WHERE {statusExpression} = 'settled'), 0) AS settled,
                       coalesce(sum(t.amount_minor) FILTER (WHERE {statusExpression} = 'refunded'), 0) AS refunded,
                       coalesce(sum(t.amount_minor) FILTER (WHERE {statusExpression} = 'charged_back'), 0) AS charged_back
                FROM transactions t{rows}
                GROUP BY t.account_id
            ) b
            """;
        string checksum;
        await using (var cmd = new NpgsqlCommand(balances, connection, tx) { CommandTimeout = 0 })
            checksum = (string)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;

        long? missing = null, disagreements = null, policyMapped = null;
        if (hasStateId)
        {
            // Both set and the state is not the mapped code (the policy's fallback for a value that maps to no code):
            // what validate's mismatch check counts. A row the policy mapped is counted apart, not as a disagreement.
            var mapped = NormalizationSql.MappedCodeSql(mapping, "t.status");
            var unmapped = $"t.status IS NULL OR NOT EXISTS (SELECT 1 FROM transaction_state l WHERE l.code = {mapping.CodeSql("t.status")})";
            var state = await ReadRowAsync(connection, $"""
                SELECT count(*) FILTER (WHERE t.state_id IS NULL),
                       {(hasStatus ? $"count(*) FILTER (WHERE t.state_id IS NOT NULL AND t.status IS NOT NULL AND s.code IS DISTINCT FROM {mapped})" : "0")},
                       {(hasStatus ? $"count(*) FILTER (WHERE s.code = $1 AND ({unmapped}))" : "0")}
                FROM transactions t LEFT JOIN transaction_state s ON s.id = t.state_id{rows}
                """, ct, hasStatus ? [mapping.FallbackCode ?? ""] : []).ConfigureAwait(false);
            missing = (long)state[0];
            disagreements = hasStatus ? (long)state[1] : null;
            policyMapped = hasStatus && mapping.FallbackCode is not null ? (long)state[2] : null;
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return new LedgerInvariants((long)totals[0], (decimal)totals[1], checksum, (long)chargebacks[0], (decimal)chargebacks[1], missing, disagreements)
        {
            PolicyMapped = policyMapped,
        };
    }

    private static async Task<bool> ColumnExistsAsync(NpgsqlConnection connection, string column, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('transactions') AND attname = $1 AND NOT attisdropped)", connection);
        cmd.Parameters.AddWithValue(column);
        return (bool)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    private static async Task<object[]> ReadRowAsync(NpgsqlConnection connection, string sql, CancellationToken ct, params object[] parameters)
    {
        await using var cmd = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        foreach (var parameter in parameters) cmd.Parameters.AddWithValue(parameter);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await reader.ReadAsync(ct).ConfigureAwait(false);
        var values = new object[reader.FieldCount];
        reader.GetValues(values);
        return values;
    }
}
