using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using Switchyard.Samples.Ledger.Schema;

namespace Switchyard.Samples.Ledger.Seeding;

/// <summary>Builds a fresh ledger and loads it with binary COPY in parallel streams, then indexes and analyzes it.</summary>
public sealed class LedgerSeeder
{
    private readonly NpgsqlDataSource _dataSource;

    public LedgerSeeder(NpgsqlDataSource dataSource) => _dataSource = dataSource;

    public async Task<SeedResult> SeedAsync(SeedOptions options, IProgress<long>? progress, CancellationToken ct)
    {
        options.Validate();
        var total = Stopwatch.StartNew();
        if (options.Partitioned)
            await PartitionedLedgerSchema.CreateTablesAsync(_dataSource, options.Now.AddDays(-options.Days - 1), options.Now, ct).ConfigureAwait(false);
        else
            await LedgerSchema.CreateTablesAsync(_dataSource, ct).ConfigureAwait(false);
        await CopyAccountsAsync(options, ct).ConfigureAwait(false);
        await CopyMerchantsAsync(options, ct).ConfigureAwait(false);

        var copy = Stopwatch.StartNew();
        var done = 0L;
        var streams = (int)Math.Max(1, Math.Min(options.Streams, options.Rows / 10_000 + 1));
        var perStream = (options.Rows + streams - 1) / streams;
        await Parallel.ForEachAsync(Enumerable.Range(0, streams), new ParallelOptions { MaxDegreeOfParallelism = streams, CancellationToken = ct },
            async (stream, token) =>
            {
                var first = 1 + stream * perStream;
                var last = Math.Min(options.Rows, first + perStream - 1);
                if (first <= last)
                    await CopyTransactionsAsync(options, stream, first, last, n => progress?.Report(Interlocked.Add(ref done, n)), token).ConfigureAwait(false);
            }).ConfigureAwait(false);
        copy.Stop();

        await using var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        // The partitioned shape's chargebacks carry their transaction's partition key for the composite foreign key.
        var keyColumn = options.Partitioned ? ", transaction_created_at" : "";
        var keyValue = options.Partitioned ? ", created_at" : "";
        var chargebacks = await ExecuteAsync(connection, $"""
            INSERT INTO chargebacks (transaction_id{keyColumn}, amount_minor, reason_code, opened_at)
            SELECT id{keyValue}, amount_minor, (ARRAY['fraud', 'not_received', 'duplicate', 'not_as_described'])[1 + id % 4], created_at + interval '9 days'
            FROM transactions WHERE {LedgerStatuses.CanonicalSql("status")} = 'charged_back'
            """, ct).ConfigureAwait(false);
        foreach (var index in options.Partitioned ? PartitionedLedgerSchema.Indexes : LedgerSchema.Indexes)
            await ExecuteAsync(connection, index, ct).ConfigureAwait(false);
        foreach (var table in new[] { "accounts", "merchants", "transactions", "chargebacks" })
            await ExecuteAsync(connection, $"SELECT setval(pg_get_serial_sequence('{table}', 'id'), greatest(1, (SELECT coalesce(max(id), 0) FROM {table})))", ct).ConfigureAwait(false);
        await ExecuteAsync(connection, "ANALYZE accounts, merchants, transactions, chargebacks", ct).ConfigureAwait(false);

        return new SeedResult(options.Rows, options.EffectiveAccounts, options.Merchants, chargebacks, copy.Elapsed, total.Elapsed);
    }

    private async Task CopyTransactionsAsync(SeedOptions options, int stream, long first, long last, Action<long> reportRows, CancellationToken ct)
    {
        var generator = new TransactionGenerator(options, stream);
        await using var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var writer = await connection.BeginBinaryImportAsync(
            "COPY transactions (id, account_id, merchant_id, amount_minor, currency, status, auth_code, created_at, updated_at) FROM STDIN (FORMAT BINARY)", ct).ConfigureAwait(false);
        var pending = 0L;
        for (var id = first; id <= last; id++)
        {
            var created = generator.CreatedAt(id, options.Rows);
            await writer.StartRowAsync(ct).ConfigureAwait(false);
            await writer.WriteAsync(id, NpgsqlDbType.Bigint, ct).ConfigureAwait(false);
            await writer.WriteAsync(generator.AccountId(), NpgsqlDbType.Bigint, ct).ConfigureAwait(false);
            await writer.WriteAsync(generator.MerchantId(), NpgsqlDbType.Bigint, ct).ConfigureAwait(false);
            await writer.WriteAsync(generator.AmountMinor(), NpgsqlDbType.Bigint, ct).ConfigureAwait(false);
            await writer.WriteAsync(generator.Currency(), NpgsqlDbType.Text, ct).ConfigureAwait(false);
            await writer.WriteAsync(generator.Status(), NpgsqlDbType.Text, ct).ConfigureAwait(false);
            await writer.WriteAsync(generator.AuthCode(), NpgsqlDbType.Text, ct).ConfigureAwait(false);
            await writer.WriteAsync(created, NpgsqlDbType.TimestampTz, ct).ConfigureAwait(false);
            await writer.WriteAsync(created.AddMinutes(5), NpgsqlDbType.TimestampTz, ct).ConfigureAwait(false);
            if (++pending == 50_000)
            {
                reportRows(pending);
                pending = 0;
            }
        }
        await writer.CompleteAsync(ct).ConfigureAwait(false);
        reportRows(pending);
    }

    private async Task CopyAccountsAsync(SeedOptions options, CancellationToken ct)
    {
        var random = new Random(options.Seed);
        await using var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var writer = await connection.BeginBinaryImportAsync("COPY accounts (id, holder_name, currency, opened_at) FROM STDIN (FORMAT BINARY)", ct).ConfigureAwait(false);
        for (long id = 1; id <= options.EffectiveAccounts; id++)
        {
            await writer.StartRowAsync(ct).ConfigureAwait(false);
            await writer.WriteAsync(id, NpgsqlDbType.Bigint, ct).ConfigureAwait(false);
            await writer.WriteAsync($"holder-{id}", NpgsqlDbType.Text, ct).ConfigureAwait(false);
            await writer.WriteAsync(random.Next(3) switch { 0 => "USD", 1 => "GBP", _ => "EUR" }, NpgsqlDbType.Text, ct).ConfigureAwait(false);
            await writer.WriteAsync(options.Now.AddDays(-options.Days - random.Next(1000)), NpgsqlDbType.TimestampTz, ct).ConfigureAwait(false);
        }
        await writer.CompleteAsync(ct).ConfigureAwait(false);
    }

    private async Task CopyMerchantsAsync(SeedOptions options, CancellationToken ct)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var writer = await connection.BeginBinaryImportAsync("COPY merchants (id, name, mcc) FROM STDIN (FORMAT BINARY)", ct).ConfigureAwait(false);
        for (long id = 1; id <= options.Merchants; id++)
        {
            await writer.StartRowAsync(ct).ConfigureAwait(false);
            await writer.WriteAsync(id, NpgsqlDbType.Bigint, ct).ConfigureAwait(false);
            await writer.WriteAsync($"merchant-{id}", NpgsqlDbType.Text, ct).ConfigureAwait(false);
            await writer.WriteAsync((5000 + id % 900).ToString(System.Globalization.CultureInfo.InvariantCulture), NpgsqlDbType.Text, ct).ConfigureAwait(false);
        }
        await writer.CompleteAsync(ct).ConfigureAwait(false);
    }

    private static async Task<long> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
