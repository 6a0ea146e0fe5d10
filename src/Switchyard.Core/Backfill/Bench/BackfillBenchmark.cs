using System.Diagnostics;
using Npgsql;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations;

namespace Switchyard.Core.Backfill.Bench;

/// <summary>How the backfill benchmark runs.</summary>
public sealed record BackfillBenchOptions
{
    /// <summary>Backfill workers.</summary>
    /// <value>The default is the core count.</value>
    public int Workers { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 8);

    /// <summary>Add the NOT VALID foreign key the engine's Expand may add (its RI check then runs on every updated row, for both sides).</summary>
    /// <value>The default is false.</value>
    public bool ForeignKey { get; init; }
}

/// <summary>The two timings and what explains them.</summary>
public sealed record BackfillBenchResult(
    long Rows,
    int Workers,
    double NaiveSeconds,
    double SwitchyardSeconds,
    double Ratio,
    long BatchRowsP50,
    long BatchKeysP50,
    double BatchMsP50,
    long Batches,
    long Retries,
    long Splits,
    long NaiveRowsUpdated,
    long SwitchyardRowsUpdated,
    long NaiveStateMissing,
    long SwitchyardStateMissing,
    long NaiveWalBytes,
    long SwitchyardWalBytes,
    long NaiveTableBytes,
    long SwitchyardTableBytes,
    bool ForeignKey,
    bool TriggerPresent);

/// <summary>
/// Times, on two identical ledgers, the naive single-statement UPDATE and Switchyard's backfill, both against the same
/// post-Expand shape (same trigger), each after a CHECKPOINT so neither pays for the other's dirty pages.
/// </summary>
public sealed class BackfillBenchmark
{
    public Task<BackfillBenchResult> RunAsync(NpgsqlDataSource naiveDb, NpgsqlDataSource switchyardDb, BackfillBenchOptions options, CancellationToken ct) =>
        RunAsync(naiveDb, switchyardDb, options, null, ct);

    /// <param name="load">Foreground traffic run around each side (null: none).</param>
    public async Task<BackfillBenchResult> RunAsync(NpgsqlDataSource naiveDb, NpgsqlDataSource switchyardDb, BackfillBenchOptions options, IBackfillBenchLoad? load, CancellationToken ct)
    {
        var target = NormalizationTarget.LedgerTransactionStatus();
        var longRunning = new SafeSqlOptions { StatementTimeout = TimeSpan.FromHours(2) };
        var naiveSql = new SafeSqlRunner(naiveDb, longRunning);
        var oursSql = new SafeSqlRunner(switchyardDb, longRunning);

        foreach (var sql in new[] { naiveSql, oursSql })
        {
            await new BenchExpand(sql).ApplyAsync(target, options.ForeignKey, ct).ConfigureAwait(false);
            await sql.ExecuteDdlAsync(new DdlStatement($"VACUUM (ANALYZE) {target.Table.Sql}", [], Concurrently: true), ct).ConfigureAwait(false);
        }
        var rows = await oursSql.ScalarAsync<long>($"SELECT count(*) FROM {target.Table.Sql}", ct).ConfigureAwait(false);

        // (a) the naive statement, with the trigger present as it would be in production after Expand.
        await CheckpointAsync(naiveSql, ct).ConfigureAwait(false);
        if (load is not null) await load.BeforeAsync(BackfillBenchSide.Naive, ct).ConfigureAwait(false);
        var naiveWal = await WalLsnAsync(naiveSql, ct).ConfigureAwait(false);
        var naive = Stopwatch.StartNew();
        var naiveRows = await naiveSql.InTransactionAsync(async (c, tx, token) =>
        {
            await using var cmd = new NpgsqlCommand($"""
                UPDATE {target.Table.Sql} t SET {Ident.Quote(target.TargetColumn)} = s.{Ident.Quote(target.LookupIdColumn)}
                FROM {target.LookupTable.Sql} s
                WHERE s.{Ident.Quote(target.LookupCodeColumn)} = {target.CodeSql("t." + Ident.Quote(target.SourceColumn))}
                """, c, tx) { CommandTimeout = 0 };
            return (long)await cmd.ExecuteNonQueryAsync(token).ConfigureAwait(false);
        }, ct, description: "naive single-statement backfill").ConfigureAwait(false);
        naive.Stop();
        if (load is not null) await load.AfterAsync(BackfillBenchSide.Naive, ct).ConfigureAwait(false);
        var naiveWalBytes = await WalBytesSinceAsync(naiveSql, naiveWal, ct).ConfigureAwait(false);

        // (b) Switchyard's backfill.
        await CheckpointAsync(oursSql, ct).ConfigureAwait(false);
        if (load is not null) await load.BeforeAsync(BackfillBenchSide.Switchyard, ct).ConfigureAwait(false);
        var oursWal = await WalLsnAsync(oursSql, ct).ConfigureAwait(false);
        var ours = Stopwatch.StartNew();
        var outcome = await new BackfillRunner(oursSql).RunAsync(
            new BackfillRequest("bench-backfill", target, new BackfillOptions { Workers = options.Workers, AnalyzeWhenDone = false }),
            [], null, ct).ConfigureAwait(false);
        ours.Stop();
        if (load is not null) await load.AfterAsync(BackfillBenchSide.Switchyard, ct).ConfigureAwait(false);
        var oursWalBytes = await WalBytesSinceAsync(oursSql, oursWal, ct).ConfigureAwait(false);
        if (outcome is not BackfillCompleted)
            throw new SwitchyardException($"the benchmark backfill ended {outcome.State}: {outcome}", "Re-run with --verbose to see why.");

        var missing = $"SELECT count(*) FROM {target.Table.Sql} WHERE {Ident.Quote(target.TargetColumn)} IS NULL";
        const string size = "SELECT pg_relation_size($1::regclass)";
        var s = outcome.Stats;
        return new BackfillBenchResult(
            rows, s.Workers, naive.Elapsed.TotalSeconds, ours.Elapsed.TotalSeconds, naive.Elapsed.TotalSeconds / ours.Elapsed.TotalSeconds,
            s.BatchRowsP50, s.BatchKeysP50, s.BatchMillisP50, s.Batches, s.Retries, s.Splits, naiveRows, s.RowsUpdated,
            await naiveSql.ScalarAsync<long>(missing, ct).ConfigureAwait(false), await oursSql.ScalarAsync<long>(missing, ct).ConfigureAwait(false),
            naiveWalBytes, oursWalBytes,
            await naiveSql.ScalarAsync<long>(size, ct, target.Table.RegclassText).ConfigureAwait(false), await oursSql.ScalarAsync<long>(size, ct, target.Table.RegclassText).ConfigureAwait(false),
            options.ForeignKey, true);
    }

    private static Task CheckpointAsync(SafeSqlRunner sql, CancellationToken ct) =>
        sql.ExecuteDdlAsync(new DdlStatement("CHECKPOINT", [], Concurrently: true), ct);

    private static async Task<string> WalLsnAsync(SafeSqlRunner sql, CancellationToken ct) =>
        (await sql.ScalarAsync<string>("SELECT pg_current_wal_lsn()::text", ct).ConfigureAwait(false))!;

    private static async Task<long> WalBytesSinceAsync(SafeSqlRunner sql, string lsn, CancellationToken ct) =>
        (long)(await sql.ScalarAsync<decimal>("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)", ct, lsn).ConfigureAwait(false));
}
