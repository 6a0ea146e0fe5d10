using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;
using Switchyard.Core;
using Switchyard.Core.Execution;
using Switchyard.Samples.Ledger.Workload;

namespace Switchyard.Samples.Ledger.Bench;

/// <summary>How the DDL lock benchmark runs.</summary>
public sealed record DdlLockBenchOptions
{
    /// <summary>How long the holder keeps ACCESS SHARE on <c>transactions</c> in an open transaction, per mode.</summary>
    /// <value>The default is 10 s.</value>
    public TimeSpan Hold { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Reader/writer sessions, each on its own connection.</summary>
    /// <value>The default is 4.</value>
    public int Readers { get; init; } = 4;

    /// <summary>Operations per second over all readers (open loop: latency counts from the intended start, so a frozen reader's backlog is measured).</summary>
    /// <value>The default is 200.</value>
    public int OpsPerSecond { get; init; } = 200;

    /// <summary>lock_timeout of the retry loop (mode c) and of Switchyard's runner (mode d).</summary>
    /// <value>The default is 100 ms.</value>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMilliseconds(100);

    public void Validate()
    {
        if (Hold < TimeSpan.FromMilliseconds(500) || Hold > TimeSpan.FromMinutes(10))
            throw new SwitchyardException($"the hold must be between 0.5 s and 10 min, got {Hold.TotalSeconds:F1} s.", "Pass e.g. --hold-seconds 10.");
        if (Readers is < 1 or > 64) throw new SwitchyardException($"readers must be between 1 and 64, got {Readers}.", "Pass e.g. --readers 4.");
        if (OpsPerSecond is < 1 or > 20_000) throw new SwitchyardException($"the rate must be between 1 and 20000 ops/s, got {OpsPerSecond}.", "Pass e.g. --rate 200.");
    }
}

/// <summary>The four ways of running <c>ALTER TABLE transactions ADD COLUMN</c> while a lock holder is open.</summary>
public enum DdlLockMode
{
    /// <summary>No DDL: the readers' latency with the holder open.</summary>
    Baseline,

    /// <summary>A plain ALTER with no lock_timeout: queues behind the holder and everything queues behind it.</summary>
    Plain,

    /// <summary>A retry loop with a short lock_timeout and no conflict gate: each attempt queues readers for up to the timeout.</summary>
    RetryLoop,

    /// <summary>Switchyard's <see cref="SafeSqlRunner.ExecuteDdlAsync"/>: waits outside the queue while pg_locks shows a conflicting holder.</summary>
    Switchyard,
}

/// <summary>One mode's reader latencies and what the DDL did.</summary>
/// <param name="OpsWaitedBehindDdl">Distinct reader operations seen in pg_stat_activity waiting on a Lock behind the DDL session's pid.</param>
/// <param name="OpsWaitedWhileHeld">Of those, the ones seen while the holder's transaction was still open: the freeze a DDL in the
/// lock queue causes. The rest waited a few milliseconds for the DDL's own ACCESS EXCLUSIVE (or a young statement the gate let it queue behind).</param>
/// <param name="DdlDoneAfterReleaseMs">When the DDL finished relative to the moment the holder's COMMIT was sent (negative: before it); null for the baseline.</param>
public sealed record DdlLockModeResult(
    string Mode,
    string Description,
    long Operations,
    long Failed,
    double P50Ms,
    double P99Ms,
    double MaxMs,
    double P99Ratio,
    long OpsWaitedBehindDdl,
    long OpsWaitedWhileHeld,
    long MaxWaitingAtOnce,
    long Samples,
    int DdlAttempts,
    double? DdlDoneAfterReleaseMs);

/// <summary>The whole run: every mode measured against the same ledger in the same run.</summary>
public sealed record DdlLockBenchResult(double HoldSeconds, int Readers, int OpsPerSecond, double LockTimeoutMs, IReadOnlyList<DdlLockModeResult> Modes);

/// <summary>
/// Measures what a DDL statement does to primary-key reads and tiny updates of <c>transactions</c> while another session
/// holds ACCESS SHARE on it in an open transaction: no DDL, a plain ALTER, a lock_timeout retry loop, and Switchyard's
/// runner with its pg_locks conflict gate.
/// </summary>
public sealed class DdlLockBenchmark
{
    private const string ReaderApp = "switchyard-bench-reader";
    private const string DdlApp = "switchyard-bench-ddl";
    private const string ProbeColumn = "bench_ddl_probe";

    private const string WaitingBehindDdl = """
        SELECT a.pid, a.query_start FROM pg_stat_activity a
        WHERE a.application_name = 'switchyard-bench-reader' AND a.wait_event_type = 'Lock'
          AND EXISTS (SELECT 1 FROM unnest(pg_blocking_pids(a.pid)) b JOIN pg_stat_activity d ON d.pid = b
                      WHERE d.application_name = 'switchyard-bench-ddl')
        """;

    private readonly string _connectionString;

    /// <param name="connectionString">A seeded ledger database the benchmark may alter (it adds and drops one probe column).</param>
    public DdlLockBenchmark(string connectionString) => _connectionString = connectionString;

    public async Task<DdlLockBenchResult> RunAsync(DdlLockBenchOptions options, IProgress<string>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        await using var readers = Source(ReaderApp, options.Readers + 2);
        await using var holderSource = Source("switchyard-bench-holder", 2);
        await using var ddl = Source(DdlApp, 4);
        await using var monitor = Source("switchyard-bench-monitor", 2);
        await DropProbeAsync(monitor, ct).ConfigureAwait(false);
        long minId, maxId;
        await using (var range = monitor.CreateCommand("SELECT coalesce(min(id), 0), coalesce(max(id), 0) FROM transactions"))
        await using (var r = await range.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            await r.ReadAsync(ct).ConfigureAwait(false);
            (minId, maxId) = (r.GetInt64(0), r.GetInt64(1));
        }
        if (maxId == 0) throw new SwitchyardException("the ledger has no transactions to read.", "Seed it first: switchyard-ledger ledger seed.");

        var measured = new List<(DdlLockMode Mode, LatencySummary Latency, long Failed, long Waited, long WaitedWhileHeld, long MaxAtOnce, long Samples, int Attempts, double? After)>();
        foreach (var mode in Enum.GetValues<DdlLockMode>())
        {
            progress?.Report($"{Describe(mode)}: holder open {options.Hold.TotalSeconds:F0} s...");
            measured.Add(await RunModeAsync(mode, options, readers, holderSource, ddl, monitor, minId, maxId, ct).ConfigureAwait(false));
            await DropProbeAsync(monitor, ct).ConfigureAwait(false);
        }
        var baselineP99 = measured[0].Latency.P99Ms;
        return new DdlLockBenchResult(options.Hold.TotalSeconds, options.Readers, options.OpsPerSecond, options.LockTimeout.TotalMilliseconds,
            [.. measured.Select(m => new DdlLockModeResult(
                Name(m.Mode), Describe(m.Mode), m.Latency.Count, m.Failed, m.Latency.P50Ms, m.Latency.P99Ms, m.Latency.MaxMs,
                baselineP99 > 0 ? Math.Round(m.Latency.P99Ms / baselineP99, 2) : 0,
                m.Waited, m.WaitedWhileHeld, m.MaxAtOnce, m.Samples, m.Attempts, m.After))]);
    }

    public static string Name(DdlLockMode mode) => mode switch
    {
        DdlLockMode.Baseline => "baseline",
        DdlLockMode.Plain => "plain_alter",
        DdlLockMode.RetryLoop => "retry_loop",
        _ => "switchyard",
    };

    public static string Describe(DdlLockMode mode) => mode switch
    {
        DdlLockMode.Baseline => "(a) no DDL",
        DdlLockMode.Plain => "(b) plain ALTER, no lock_timeout",
        DdlLockMode.RetryLoop => "(c) retry loop, lock_timeout, no gate",
        _ => "(d) Switchyard runner (pg_locks gate)",
    };

    private async Task<(DdlLockMode, LatencySummary, long, long, long, long, long, int, double?)> RunModeAsync(
        DdlLockMode mode, DdlLockBenchOptions options, NpgsqlDataSource readers, NpgsqlDataSource holderSource, NpgsqlDataSource ddl,
        NpgsqlDataSource monitor, long minId, long maxId, CancellationToken ct)
    {
        var recorder = new LatencyRecorder(TimeSpan.FromMinutes(15));
        long failed = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var interval = TimeSpan.FromSeconds((double)options.Readers / options.OpsPerSecond);
        var readerTasks = Enumerable.Range(0, options.Readers)
            .Select(i => Task.Run(() => ReadLoopAsync(readers, i, options.Readers, interval, minId, maxId, recorder, () => Interlocked.Increment(ref failed), stop.Token), CancellationToken.None))
            .ToList();
        var waited = new ConcurrentDictionary<(int, DateTime), byte>();
        var waitedWhileHeld = new ConcurrentDictionary<(int, DateTime), byte>();
        var holding = 0; // 1 from the holder's first read until just before its COMMIT is sent
        long maxAtOnce = 0, samples = 0;
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var now = 0L;
                    var held = Volatile.Read(ref holding) == 1; // read before the query: a row seen after release is not counted as held
                    await using (var cmd = monitor.CreateCommand(WaitingBehindDdl))
                    await using (var r = await cmd.ExecuteReaderAsync(stop.Token).ConfigureAwait(false))
                    {
                        while (await r.ReadAsync(stop.Token).ConfigureAwait(false))
                        {
                            now++;
                            var op = (r.GetInt32(0), r.IsDBNull(1) ? DateTime.MinValue : r.GetDateTime(1));
                            waited.TryAdd(op, 0);
                            if (held && Volatile.Read(ref holding) == 1) waitedWhileHeld.TryAdd(op, 0);
                        }
                    }
                    maxAtOnce = Math.Max(maxAtOnce, now);
                    samples++;
                    await Task.Delay(10, stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }, CancellationToken.None);

        // Readers warm up, then the holder takes ACCESS SHARE and keeps its transaction open.
        await Task.Delay(TimeSpan.FromMilliseconds(300), ct).ConfigureAwait(false);
        await using var holder = await holderSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var holderTx = await holder.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var take = new NpgsqlCommand("SELECT 1 FROM transactions LIMIT 1", holder, holderTx))
            await take.ExecuteScalarAsync(ct).ConfigureAwait(false);
        Volatile.Write(ref holding, 1);
        var clock = Stopwatch.StartNew();

        // The DDL starts a fifth into the hold, so the plain ALTER waits for the holder's remaining time.
        await Task.Delay(options.Hold / 5, ct).ConfigureAwait(false);
        var ddlDone = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var ddlTask = mode == DdlLockMode.Baseline ? Task.FromResult(0) : Task.Run(async () =>
        {
            var attempts = await RunDdlAsync(mode, ddl, options, ct).ConfigureAwait(false);
            ddlDone.TrySetResult(clock.Elapsed);
            return attempts;
        }, CancellationToken.None);

        var remaining = options.Hold - clock.Elapsed;
        if (remaining > TimeSpan.Zero) await Task.Delay(remaining, ct).ConfigureAwait(false);
        // Timed before the commit is sent: the server releases the lock before our client hears back, and a waiting DDL may finish in between.
        var released = clock.Elapsed;
        Volatile.Write(ref holding, 0);
        await holderTx.CommitAsync(ct).ConfigureAwait(false);
        await holderTx.DisposeAsync().ConfigureAwait(false);
        var attempts = await ddlTask.WaitAsync(options.Hold + TimeSpan.FromMinutes(2), ct).ConfigureAwait(false);
        double? after = mode == DdlLockMode.Baseline ? null : Math.Round(((await ddlDone.Task.ConfigureAwait(false)) - released).TotalMilliseconds, 1);

        // A short tail lets the backlog drain into the histogram.
        await Task.Delay(TimeSpan.FromMilliseconds(500), ct).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(readerTasks).ConfigureAwait(false);
        await sampler.ConfigureAwait(false);
        return (mode, recorder.Summary(), Interlocked.Read(ref failed), waited.Count, waitedWhileHeld.Count, maxAtOnce, samples, attempts, after);
    }

    private static async Task ReadLoopAsync(NpgsqlDataSource readers, int index, int readerCount, TimeSpan interval, long minId, long maxId,
        LatencyRecorder recorder, Action onFailure, CancellationToken stop)
    {
        await using var connection = await readers.OpenConnectionAsync(stop).ConfigureAwait(false);
        await using var read = new NpgsqlCommand("SELECT amount_minor FROM transactions WHERE id = $1", connection);
        read.Parameters.Add(new NpgsqlParameter<long> { TypedValue = minId });
        await using var write = new NpgsqlCommand("UPDATE transactions SET updated_at = now() WHERE id = $1", connection);
        write.Parameters.Add(new NpgsqlParameter<long> { TypedValue = minId });
        var random = new Random(index * 7919 + 17);
        var clock = Stopwatch.StartNew();
        // Staggered so the readers' intended starts spread over one interval.
        var intended = TimeSpan.FromTicks(interval.Ticks * index / readerCount);
        var op = 0L;
        while (!stop.IsCancellationRequested)
        {
            var wait = intended - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                try { await Task.Delay(wait, stop).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
            }
            var cmd = op++ % 5 == 4 ? write : read;
            ((NpgsqlParameter<long>)cmd.Parameters[0]).TypedValue = random.NextInt64(minId, maxId + 1);
            try
            {
                // Not cancelled by stop: an operation in flight finishes and is recorded.
                await cmd.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
                recorder.Record(clock.Elapsed - intended);
            }
            catch (NpgsqlException)
            {
                onFailure();
            }
            intended += interval;
        }
    }

    private static async Task<int> RunDdlAsync(DdlLockMode mode, NpgsqlDataSource ddl, DdlLockBenchOptions options, CancellationToken ct)
    {
        var sql = $"ALTER TABLE transactions ADD COLUMN {Ident.Quote(ProbeColumn)} integer";
        switch (mode)
        {
            case DdlLockMode.Plain:
            {
                await using var connection = await ddl.OpenConnectionAsync(ct).ConfigureAwait(false);
                await using (var off = new NpgsqlCommand("SET lock_timeout = 0", connection)) await off.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                await using (var alter = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 }) await alter.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                return 1;
            }
            case DdlLockMode.RetryLoop:
            {
                var deadline = Stopwatch.StartNew();
                for (var attempt = 1; ; attempt++)
                {
                    await using var connection = await ddl.OpenConnectionAsync(ct).ConfigureAwait(false);
                    await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
                    try
                    {
                        await SafeSqlRunner.SetLocalTimeoutsAsync(connection, tx, options.LockTimeout, TimeSpan.FromMinutes(1), ct).ConfigureAwait(false);
                        await using (var alter = new NpgsqlCommand(sql, connection, tx)) await alter.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                        await tx.CommitAsync(ct).ConfigureAwait(false);
                        return attempt;
                    }
                    catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable && deadline.Elapsed < options.Hold + TimeSpan.FromMinutes(1))
                    {
                        await tx.RollbackAsync(ct).ConfigureAwait(false);
                        await Task.Delay(options.LockTimeout / 2, ct).ConfigureAwait(false);
                    }
                }
            }
            default:
            {
                var runner = new SafeSqlRunner(ddl, new SafeSqlOptions
                {
                    LockTimeout = options.LockTimeout,
                    ConflictWaitBudget = options.Hold + TimeSpan.FromMinutes(1),
                });
                var outcome = await runner.ExecuteDdlAsync(DdlStatement.On(new QualifiedName("public", "transactions"), LockMode.AccessExclusive, sql), ct).ConfigureAwait(false);
                return outcome.Attempts;
            }
        }
    }

    private static async Task DropProbeAsync(NpgsqlDataSource monitor, CancellationToken ct)
    {
        // Runs only between modes, when no holder and no reader is left.
        await using var cmd = monitor.CreateCommand($"ALTER TABLE transactions DROP COLUMN IF EXISTS {Ident.Quote(ProbeColumn)}");
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private NpgsqlDataSource Source(string applicationName, int maxPool) =>
        new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(_connectionString)
        {
            ApplicationName = applicationName,
            MaxPoolSize = maxPool,
            Pooling = true,
        }.ConnectionString).Build();
}
