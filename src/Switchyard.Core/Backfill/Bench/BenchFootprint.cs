using System.Diagnostics;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Backfill.Bench;

/// <summary>What one side of the benchmark cost the table besides time: HOT share, WAL and growth.</summary>
/// <param name="HotShare">n_tup_hot_upd / n_tup_upd of the side's updates (0..1): HOT updates insert into no index.</param>
/// <param name="WalBytes">WAL the cluster wrote while the side ran (pg_current_wal_lsn difference).</param>
/// <param name="WalBytesPerRow">WAL bytes per row of the table.</param>
/// <param name="TableBytesBefore">pg_table_size before the side ran.</param>
/// <param name="TableBytesAfter">pg_table_size after it.</param>
/// <param name="IndexBytesBefore">pg_indexes_size before the side ran.</param>
/// <param name="IndexBytesAfter">pg_indexes_size after it.</param>
public sealed record BenchFootprint(
    double HotShare,
    long WalBytes,
    double WalBytesPerRow,
    long TableBytesBefore,
    long TableBytesAfter,
    long IndexBytesBefore,
    long IndexBytesAfter)
{
    /// <summary>pg_table_size after / before (1.0: no growth).</summary>
    public double TableGrowth => TableBytesBefore > 0 ? Math.Round((double)TableBytesAfter / TableBytesBefore, 3) : 0;
}

/// <summary>
/// Reads a table's update counters, size and the WAL position before a side runs, and the differences after it.
/// The counters come from pg_stat_user_tables, which backends publish when they go idle or exit: the side's
/// connections are closed first, then the counters are read until they account for every row the side updated.
/// </summary>
public sealed class BenchFootprintProbe
{
    private const string CountersSql = """
        SELECT coalesce(s.n_tup_upd, 0), coalesce(s.n_tup_hot_upd, 0), pg_table_size(c.oid), pg_indexes_size(c.oid), pg_current_wal_lsn()::text
        FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
        WHERE c.oid = $1::regclass
        """;

    private static readonly TimeSpan StatsWait = TimeSpan.FromSeconds(30);

    private readonly SafeSqlRunner _sql;
    private readonly QualifiedName _table;
    private Counters? _before;

    public BenchFootprintProbe(SafeSqlRunner sql, QualifiedName table)
    {
        _sql = sql;
        _table = table;
    }

    private sealed record Counters(long Updates, long HotUpdates, long TableBytes, long IndexBytes, string WalLsn);

    /// <summary>Takes the starting point; call right before the side starts.</summary>
    public async Task StartAsync(CancellationToken ct) => _before = await ReadAsync(ct).ConfigureAwait(false);

    /// <param name="rowsUpdated">Rows the side reports it updated: the counters are awaited until they include them.</param>
    /// <param name="tableRows">Rows of the table, the denominator of WAL bytes per row.</param>
    public async Task<BenchFootprint> FinishAsync(long rowsUpdated, long tableRows, CancellationToken ct)
    {
        var before = _before ?? throw new InvalidOperationException("StartAsync must run before FinishAsync.");
        var wal = (long)(await _sql.ScalarAsync<decimal>("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)", ct, before.WalLsn).ConfigureAwait(false));
        // Idle pooled sessions hold their counters back for up to 10 s; closing them makes them publish on exit.
        _sql.DataSource.Clear();
        var waited = Stopwatch.StartNew();
        var after = await ReadAsync(ct).ConfigureAwait(false);
        while (after.Updates - before.Updates < rowsUpdated && waited.Elapsed < StatsWait)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), ct).ConfigureAwait(false);
            after = await ReadAsync(ct).ConfigureAwait(false);
        }
        var updates = after.Updates - before.Updates;
        var hot = after.HotUpdates - before.HotUpdates;
        return new BenchFootprint(
            updates > 0 ? Math.Round((double)hot / updates, 4) : 0,
            wal,
            tableRows > 0 ? Math.Round((double)wal / tableRows, 1) : 0,
            before.TableBytes, after.TableBytes, before.IndexBytes, after.IndexBytes);
    }

    private async Task<Counters> ReadAsync(CancellationToken ct)
    {
        var rows = await _sql.QueryAsync(CountersSql, r => new Counters(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetString(4)), ct, _table.RegclassText).ConfigureAwait(false);
        return rows[0];
    }
}
