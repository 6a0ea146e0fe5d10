using Npgsql;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Runners;

/// <summary>
/// One runner per lock name, for real: a session advisory lock (gone the moment the process dies) plus a heartbeat row
/// in <c>switchyard.runners</c> (which outlives a terminated session or a server restart). A second runner is refused
/// while the row beats, naming the first's host, OS pid and start time; a dead runner's row is taken over. Before each
/// step or batch the holder checks its lock: it re-takes it when its session died, or stops cleanly when another
/// runner took over.
/// </summary>
public sealed class RunnerLease : IAsyncDisposable
{
    private const string BeatSql = "UPDATE switchyard.runners SET last_beat = clock_timestamp(), backend_pid = $3 WHERE lock_name = $1 AND run_id = $2";

    private readonly NpgsqlDataSource _dataSource;
    private readonly SafeSqlRunner _beats;
    private readonly RunnerLeaseOptions _options;
    private readonly string _what;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private SessionAdvisoryLock _lock;
    private volatile int _backendPid;
    private volatile string? _takenOverBy;
    private Task _heartbeat = Task.CompletedTask;

    private RunnerLease(NpgsqlDataSource dataSource, SessionAdvisoryLock advisory, string lockName, string what, RunnerLeaseOptions options, TimeProvider time)
    {
        _dataSource = dataSource;
        _lock = advisory;
        _backendPid = advisory.BackendPid;
        LockName = lockName;
        _what = what;
        _options = options;
        _time = time;
        // A missed beat is simply made up by the next one: one attempt, bounded by the interval.
        _beats = new SafeSqlRunner(dataSource, new SafeSqlOptions { MaxAttempts = 1, StatementTimeout = options.HeartbeatInterval }, null, time);
    }

    public string LockName { get; }

    /// <summary>Identifies this run's heartbeat row.</summary>
    public Guid RunId { get; } = Guid.NewGuid();

    /// <summary>The gone runner whose row this one took over, if any.</summary>
    public RunnerRecord? TookOverFrom { get; private set; }

    /// <param name="what">What runs, for messages, e.g. "apply of '001-…'".</param>
    /// <param name="refusal">Builds the error when another runner is live, from a description of it.</param>
    public static async Task<RunnerLease> AcquireAsync(NpgsqlDataSource dataSource, string lockName, string? migration, string table, string what,
        Func<string, SwitchyardException> refusal, RunnerLeaseOptions? options, CancellationToken ct, TimeProvider? time = null)
    {
        options ??= new RunnerLeaseOptions();
        options.Validate();
        var sql = new SafeSqlRunner(dataSource);
        await RunnersSchema.EnsureAsync(sql, ct).ConfigureAwait(false);
        SessionAdvisoryLock advisory;
        try
        {
            advisory = await SessionAdvisoryLock.AcquireAsync(dataSource, lockName, holder => new HeldElsewhereException(holder), ct).ConfigureAwait(false);
        }
        catch (HeldElsewhereException held)
        {
            var row = await RunnerStatusReader.ReadAsync(sql, lockName, options, ct).ConfigureAwait(false);
            throw refusal(row is null ? held.Holder : $"{row.Describe()}; its lock session: {held.Holder}");
        }
        var lease = new RunnerLease(dataSource, advisory, lockName, what, options, time ?? TimeProvider.System);
        try
        {
            lease.TookOverFrom = await lease.ClaimAsync(sql, migration, table, refusal, ct).ConfigureAwait(false);
        }
        catch
        {
            await advisory.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        lease._heartbeat = Task.Run(() => lease.BeatLoopAsync(lease._stop.Token), CancellationToken.None);
        return lease;
    }

    /// <summary>Writes this runner's row unless a live one is there; returns the gone runner it replaced.</summary>
    private Task<RunnerRecord?> ClaimAsync(SafeSqlRunner sql, string? migration, string table, Func<string, SwitchyardException> refusal, CancellationToken ct) =>
        sql.InTransactionAsync(async (c, tx, token) =>
        {
            RunnerRecord? previous = null;
            await using (var read = SafeSqlRunner.Command($"SELECT {RunnerRecord.Columns} FROM switchyard.runners WHERE lock_name = $1 FOR UPDATE", c, tx, LockName, _options.StaleAfter))
            await using (var r = await read.ExecuteReaderAsync(token).ConfigureAwait(false))
            {
                if (await r.ReadAsync(token).ConfigureAwait(false)) previous = RunnerRecord.Read(r);
            }
            if (previous is { Alive: true })
            {
                // Its lock session is gone (terminated, or the server restarted), but it still beats: it will take its lock back.
                throw refusal($"{previous.Describe()}; its lock session has ended but the runner is alive and takes its lock back before its next step");
            }
            await using (var claim = SafeSqlRunner.Command("""
                INSERT INTO switchyard.runners (lock_name, run_id, migration, table_name, host, os_pid, process_started_at, backend_pid)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                ON CONFLICT (lock_name) DO UPDATE SET run_id = EXCLUDED.run_id, migration = EXCLUDED.migration, table_name = EXCLUDED.table_name,
                    host = EXCLUDED.host, os_pid = EXCLUDED.os_pid, process_started_at = EXCLUDED.process_started_at,
                    backend_pid = EXCLUDED.backend_pid, started_at = clock_timestamp(), last_beat = clock_timestamp()
                """, c, tx, LockName, RunId, migration, table, ThisProcess.Host, ThisProcess.OsPid, ThisProcess.StartedAt, _backendPid))
                await claim.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            return previous;
        }, ct, description: "claim the runner row");

    private async Task BeatLoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_options.HeartbeatInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                try
                {
                    if (await _beats.ExecuteAsync(BeatSql, ct, LockName, RunId, _backendPid).ConfigureAwait(false) == 0)
                        _takenOverBy = await OwnerAsync(ct).ConfigureAwait(false);
                }
                catch (SwitchyardException)
                {
                    // The server is unreachable or restarting: the next beat tries again.
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    private async Task<string> OwnerAsync(CancellationToken ct) =>
        (await RunnerStatusReader.ReadAsync(_beats, LockName, _options, ct).ConfigureAwait(false))?.Describe() ?? "its row was removed";

    /// <summary>
    /// Before a step or batch: null when the lock is held as before; a note when its session had died and the lock was
    /// taken back (nobody else took over meanwhile). Raises <see cref="RunnerLeaseLostException"/> when it cannot be.
    /// </summary>
    public async Task<string?> EnsureHeldAsync(CancellationToken ct)
    {
        if (_takenOverBy is { } owner) throw Lost($"another runner took over its lock: {owner}");
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (await _lock.SessionAliveAsync(ct).ConfigureAwait(false)) return null;
            return await RetakeAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<string> RetakeAsync(CancellationToken ct)
    {
        var ended = _backendPid;
        var last = "";
        for (var attempt = 1; attempt <= _options.RetakeAttempts; attempt++)
        {
            if (_takenOverBy is { } owner) throw Lost($"another runner took over its lock: {owner}");
            SessionAdvisoryLock? fresh = null;
            try
            {
                fresh = await SessionAdvisoryLock.AcquireAsync(_dataSource, LockName, holder => new HeldElsewhereException(holder), ct).ConfigureAwait(false);
                if (await _beats.ExecuteAsync(BeatSql, ct, LockName, RunId, fresh.BackendPid).ConfigureAwait(false) == 0)
                {
                    _takenOverBy = await OwnerAsync(ct).ConfigureAwait(false);
                    throw Lost($"its lock session (backend pid {ended}) ended and another runner took over: {_takenOverBy}");
                }
                await _lock.DisposeAsync().ConfigureAwait(false);
                (_lock, fresh) = (fresh, null);
                _backendPid = _lock.BackendPid;
                return $"took its runner lock back after its session (backend pid {ended}) ended; new session backend pid {_backendPid}, attempt {attempt}";
            }
            catch (HeldElsewhereException e)
            {
                last = e.Holder;
            }
            catch (Exception e) when (e is NpgsqlException or (SwitchyardException and not RunnerLeaseLostException))
            {
                last = e.Message;
            }
            finally
            {
                if (fresh is not null) await fresh.DisposeAsync().ConfigureAwait(false);
            }
            await Task.Delay(_options.RetakeDelay, _time, ct).ConfigureAwait(false);
        }
        throw Lost($"its lock session (backend pid {ended}) ended and the lock could not be taken back in {_options.RetakeAttempts} attempt(s), last: {last}");
    }

    private RunnerLeaseLostException Lost(string why) => new(_what, why);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _heartbeat.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        try
        {
            await _beats.ExecuteAsync("DELETE FROM switchyard.runners WHERE lock_name = $1 AND run_id = $2", CancellationToken.None, LockName, RunId).ConfigureAwait(false);
        }
        catch (SwitchyardException)
        {
            // Unreachable now: the row goes stale and the next runner takes it over.
        }
        await _lock.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
        _gate.Dispose();
    }

    /// <summary>The advisory lock is held by another session; carries its description.</summary>
    private sealed class HeldElsewhereException(string holder) : SwitchyardException(holder)
    {
        public string Holder { get; } = holder;
    }
}
