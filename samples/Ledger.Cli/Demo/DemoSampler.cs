using Switchyard.Cli;
using System.Collections.Concurrent;
using Npgsql;

namespace Switchyard.Samples.Ledger.Cli.Demo;

/// <summary>
/// Watches the database while the demo runs, from its own connections: lock waits of the payments sessions about every
/// 100 ms (the longest per phase), the standby's replay lag every second, and the backfill's progress every second
/// while it is switched on.
/// </summary>
internal sealed class DemoSampler : IAsyncDisposable
{
    private const string LockWaitSql = """
        SELECT coalesce(max(extract(epoch FROM clock_timestamp() - query_start)) * 1000, 0)::float8, count(*)::int
        FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND application_name LIKE 'ledger-%'
        """;

    private const string LagSql = """
        SELECT coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), 0)::bigint, coalesce(extract(epoch FROM replay_lag), 0)::float8
        FROM pg_stat_replication WHERE application_name = $1
        """;

    private readonly NpgsqlDataSource _db;
    private readonly string _standby;
    private readonly Func<double> _clock;
    private readonly long _seededMaxId;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, double> _maxLockWaitMs = new(StringComparer.Ordinal);
    private readonly List<LagSample> _lag = [];
    private readonly List<ProgressSample> _progress = [];
    private readonly List<LockWaitSample> _lockWaits = [];
    private Task _fast = Task.CompletedTask;
    private Task _slow = Task.CompletedTask;
    private volatile string _phase = "";
    private volatile bool _progressOn;
    private int _disposed;

    public DemoSampler(NpgsqlDataSource db, string standby, long seededMaxId, Func<double> clock)
    {
        _db = db;
        _standby = standby;
        _seededMaxId = seededMaxId;
        _clock = clock;
    }

    /// <summary>The phase lock waits are attributed to from now on.</summary>
    public string Phase
    {
        get => _phase;
        set => _phase = value;
    }

    /// <summary>Counts the filled state_id of the seeded rows every second (only once the column exists).</summary>
    public bool TrackProgress
    {
        get => _progressOn;
        set => _progressOn = value;
    }

    public double MaxLockWaitMs(string phase) => _maxLockWaitMs.TryGetValue(phase, out var v) ? v : 0;

    public IReadOnlyList<LagSample> Lag
    {
        get { lock (_lag) return [.. _lag]; }
    }

    public IReadOnlyList<ProgressSample> Progress
    {
        get { lock (_progress) return [.. _progress]; }
    }

    public IReadOnlyList<LockWaitSample> LockWaits
    {
        get { lock (_lockWaits) return [.. _lockWaits]; }
    }

    public void Start()
    {
        _fast = Task.Run(() => LockWaitLoopAsync(_stop.Token));
        _slow = Task.Run(() => SecondLoopAsync(_stop.Token));
    }

    /// <summary>One progress reading now (used right before and after the backfill).</summary>
    public async Task<ProgressSample> ReadProgressAsync(CancellationToken ct)
    {
        await using var cmd = _db.CreateCommand("SELECT count(state_id), count(*) FROM transactions WHERE id <= $1");
        cmd.Parameters.AddWithValue(_seededMaxId);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await reader.ReadAsync(ct).ConfigureAwait(false);
        var sample = new ProgressSample(_clock(), reader.GetInt64(0), reader.GetInt64(1));
        lock (_progress) _progress.Add(sample);
        return sample;
    }

    private async Task LockWaitLoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (await Tick(timer, ct).ConfigureAwait(false))
        {
            try
            {
                await using var cmd = _db.CreateCommand(LockWaitSql);
                await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await reader.ReadAsync(ct).ConfigureAwait(false);
                var waitMs = reader.GetDouble(0);
                var waiting = reader.GetInt32(1);
                var phase = _phase;
                _maxLockWaitMs.AddOrUpdate(phase, waitMs, (_, old) => Math.Max(old, waitMs));
                if (waiting > 0)
                {
                    lock (_lockWaits) _lockWaits.Add(new LockWaitSample(_clock(), waitMs, waiting));
                }
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                // A missed sample is a gap, not a failure of the demo (e.g. while a fault terminates backends).
            }
        }
    }

    private async Task SecondLoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await Tick(timer, ct).ConfigureAwait(false))
        {
            try
            {
                await using (var cmd = _db.CreateCommand(LagSql))
                {
                    cmd.Parameters.AddWithValue(_standby);
                    await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    if (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        var sample = new LagSample(_clock(), reader.GetInt64(0), reader.GetDouble(1));
                        lock (_lag) _lag.Add(sample);
                    }
                }
                if (_progressOn) await ReadProgressAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                // As above: a gap in the chart.
            }
        }
    }

    private static async Task<bool> Tick(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_fast, _slow).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped mid-query.
        }
        _stop.Dispose();
    }
}
