using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Polly;
using Polly.Retry;

namespace Switchyard.Core.Execution;

/// <summary>
/// The one component that runs SQL for the engine. Every transaction gets <c>SET LOCAL lock_timeout</c> and
/// <c>statement_timeout</c>; DDL runs one statement per command, waits outside the lock queue while conflicting
/// holders exist, and retries transient failures a bounded number of times before raising.
/// </summary>
public sealed partial class SafeSqlRunner
{
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    public SafeSqlRunner(NpgsqlDataSource dataSource, SafeSqlOptions? options = null, ILogger<SafeSqlRunner>? logger = null, TimeProvider? time = null)
    {
        DataSource = dataSource;
        Options = options ?? new SafeSqlOptions();
        Options.Validate();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
    }

    public NpgsqlDataSource DataSource { get; }
    public SafeSqlOptions Options { get; }

    /// <summary>Runs one DDL statement safely; raises <see cref="LockNotAcquiredException"/> naming the holders when bounds run out.</summary>
    public async Task<StatementOutcome> ExecuteDdlAsync(DdlStatement statement, CancellationToken ct)
    {
        var started = Stopwatch.StartNew();
        var attempts = 0;
        var waited = TimeSpan.Zero;
        var holdersSeen = new Dictionary<int, BlockingSession>();
        try
        {
            if (statement.Concurrently && statement.FollowedBy is { Count: > 0 })
                throw new ArgumentException("A CONCURRENTLY statement runs outside a transaction: it cannot have statements that commit with it.", nameof(statement));
            await Pipeline(statement.Text).ExecuteAsync(async token =>
            {
                attempts++;
                await using var connection = await DataSource.OpenConnectionAsync(token).ConfigureAwait(false);
                if (attempts > 1 && statement.RepairBeforeRetry is { } repair)
                    await RunBareAsync(connection, repair, Options.ConcurrentStatementTimeout, Options.ConcurrentStatementTimeout, null, token).ConfigureAwait(false);
                var gate = await WaitForConflictingHoldersAsync(connection, statement, holdersSeen, token).ConfigureAwait(false);
                waited += gate.Waited;
                if (statement.Concurrently)
                {
                    // CONCURRENTLY cannot run in a transaction block. Its lock (SHARE UPDATE EXCLUSIVE) does not block
                    // reads or writes, so it may wait as long as the build itself may run.
                    await RunBareAsync(connection, statement.Sql, Options.ConcurrentStatementTimeout, Options.ConcurrentStatementTimeout, Options.ParallelWorkers, token).ConfigureAwait(false);
                    return;
                }
                await using var tx = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
                await SetLocalTimeoutsAsync(connection, tx, gate.QueueLockTimeout ?? Options.DdlLockTimeout(attempts), Options.StatementTimeout, token).ConfigureAwait(false);
                if (Options.ParallelWorkers is { } workers) await SetMaintenanceWorkersAsync(connection, tx, workers, token).ConfigureAwait(false);
                await using (var cmd = Command(statement.Sql, connection, tx, [.. statement.Parameters ?? []]))
                    await cmd.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                foreach (var next in statement.FollowedBy ?? [])
                {
                    await using var followed = Command(next, connection, tx, []);
                    await followed.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }
                await tx.CommitAsync(token).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (TransientErrors.IsLockTimeout(e))
        {
            var blockers = await CurrentHoldersAsync(statement, ct).ConfigureAwait(false);
            throw new LockNotAcquiredException(statement.Text, attempts, blockers.Count > 0 ? blockers : [.. holdersSeen.Values], e);
        }
        catch (Exception e) when (e is NpgsqlException)
        {
            throw new SqlFailedException(statement.Text, attempts, e);
        }
        return new StatementOutcome(attempts, waited, [.. holdersSeen.Values], started.Elapsed);
    }

    /// <summary>
    /// Runs work in one transaction with <c>SET LOCAL</c> timeouts, retrying transient failures a bounded number of times.
    /// READ COMMITTED unless <paramref name="isolation"/> asks for one snapshot across several statements.
    /// </summary>
    public async Task<T> InTransactionAsync<T>(
        Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<T>> work,
        CancellationToken ct,
        TransactionTimeouts? timeouts = null,
        string description = "transaction",
        System.Data.IsolationLevel isolation = System.Data.IsolationLevel.ReadCommitted)
    {
        var attempts = 0;
        try
        {
            return await Pipeline(description).ExecuteAsync(async token =>
            {
                attempts++;
                await using var connection = await DataSource.OpenConnectionAsync(token).ConfigureAwait(false);
                await using var tx = await connection.BeginTransactionAsync(isolation, token).ConfigureAwait(false);
                await SetLocalTimeoutsAsync(connection, tx, timeouts?.LockTimeout ?? Options.LockTimeout,
                    timeouts?.StatementTimeout ?? Options.StatementTimeout, token).ConfigureAwait(false);
                var result = await work(connection, tx, token).ConfigureAwait(false);
                await tx.CommitAsync(token).ConfigureAwait(false);
                return result;
            }, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException && e is not SwitchyardException)
        {
            throw new SqlFailedException(description, attempts, e);
        }
    }

    /// <summary>Executes one parameterized statement (not DDL) in its own safe transaction.</summary>
    public Task<int> ExecuteAsync(string sql, CancellationToken ct, params object?[] parameters) =>
        InTransactionAsync(async (c, tx, token) =>
        {
            await using var cmd = Command(sql, c, tx, parameters);
            return await cmd.ExecuteNonQueryAsync(token).ConfigureAwait(false);
        }, ct, description: sql);

    /// <summary>Reads one value in a safe transaction; null when no row.</summary>
    public Task<T?> ScalarAsync<T>(string sql, CancellationToken ct, params object?[] parameters) =>
        InTransactionAsync(async (c, tx, token) =>
        {
            await using var cmd = Command(sql, c, tx, parameters);
            var value = await cmd.ExecuteScalarAsync(token).ConfigureAwait(false);
            return value is null or DBNull ? default : (T)value;
        }, ct, description: sql);

    /// <summary>
    /// Counts with one statement that reads a whole table, under <see cref="TransactionTimeouts.FullScan"/> and with at most
    /// <see cref="SafeSqlOptions.ParallelWorkers"/> parallel workers when set; <paramref name="description"/> names it in errors.
    /// </summary>
    public Task<long> CountScanAsync(string sql, string description, CancellationToken ct) =>
        InTransactionAsync(async (c, tx, token) =>
        {
            if (Options.ParallelWorkers is { } workers) await LimitParallelWorkersAsync(c, tx, workers, token).ConfigureAwait(false);
            await using var cmd = Command(sql, c, tx);
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(token).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }, ct, TransactionTimeouts.FullScan, description);

    /// <summary>Reads rows in a safe transaction, mapping each with <paramref name="map"/>.</summary>
    public Task<IReadOnlyList<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> map, CancellationToken ct, params object?[] parameters) =>
        InTransactionAsync<IReadOnlyList<T>>(async (c, tx, token) => await ReadAllAsync(c, tx, sql, map, token, parameters).ConfigureAwait(false), ct, description: sql);

    /// <summary>A command with positional parameters ($1, $2, ...).</summary>
    public static NpgsqlCommand Command(string sql, NpgsqlConnection connection, NpgsqlTransaction? tx, params object?[] parameters)
    {
        var cmd = new NpgsqlCommand(sql, connection, tx);
        foreach (var p in parameters)
        {
            // A typed parameter may be shared by statements running at once (one per chunk): each command gets a copy.
            cmd.Parameters.Add(p switch
            {
                NpgsqlParameter typed => typed.Clone(),
                UntypedText u => new NpgsqlParameter { Value = u.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Unknown },
                _ => new NpgsqlParameter { Value = p ?? DBNull.Value },
            });
        }
        return cmd;
    }

    /// <summary>Applies the timeouts to the current transaction only; one round trip.</summary>
    public static async Task SetLocalTimeoutsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, TimeSpan lockTimeout, TimeSpan statementTimeout, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT set_config('lock_timeout', $1, true), set_config('statement_timeout', $2, true)", connection, tx);
        cmd.Parameters.AddWithValue(Millis(lockTimeout));
        cmd.Parameters.AddWithValue(Millis(statementTimeout));
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Sets <c>max_parallel_maintenance_workers</c> for the transaction (with <paramref name="tx"/>) or the session (without), as a bound value.</summary>
    private static async Task SetMaintenanceWorkersAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, int workers, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT set_config('max_parallel_maintenance_workers', $1, $2)", connection, tx);
        cmd.Parameters.AddWithValue(workers.ToString(CultureInfo.InvariantCulture));
        cmd.Parameters.AddWithValue(tx is not null);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static string Millis(TimeSpan t) => ((long)Math.Ceiling(t.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture) + "ms";

    private static async Task RunBareAsync(NpgsqlConnection connection, string sql, TimeSpan lockTimeout, TimeSpan statementTimeout, int? maintenanceWorkers, CancellationToken ct)
    {
        if (maintenanceWorkers is { } workers) await SetMaintenanceWorkersAsync(connection, null, workers, ct).ConfigureAwait(false);
        await using (var set = new NpgsqlCommand("SELECT set_config('lock_timeout', $1, false), set_config('statement_timeout', $2, false)", connection))
        {
            set.Parameters.AddWithValue(Millis(lockTimeout));
            set.Parameters.AddWithValue(Millis(statementTimeout));
            await set.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        try
        {
            await using var cmd = new NpgsqlCommand(sql, connection);
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                // A pooled connection goes back as it came: the session settings above must not outlive this statement.
                await using var reset = new NpgsqlCommand("RESET lock_timeout; RESET statement_timeout; RESET max_parallel_maintenance_workers", connection);
                await reset.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Entering the lock queue while a conflicting lock is held makes every later reader and writer queue behind us.
    /// So we wait outside the queue until no conflicting holder is left that could hold us up for long (see
    /// <see cref="SafeSqlOptions.ShortHolderGrace"/>), then try under lock_timeout, saying who we wait for every few
    /// seconds. When autovacuum is the only holder and queueing is harmless, we queue so it yields (<see cref="AutovacuumYield"/>).
    /// </summary>
    private async Task<(TimeSpan Waited, TimeSpan? QueueLockTimeout)> WaitForConflictingHoldersAsync(NpgsqlConnection connection, DdlStatement statement, Dictionary<int, BlockingSession> seen, CancellationToken ct)
    {
        if (statement.Locks.Count == 0) return (TimeSpan.Zero, null);
        var start = _time.GetTimestamp();
        TimeSpan? lastReport = null;
        while (true)
        {
            var holders = (await LockHolderProbe.ConflictingHoldersAsync(connection, statement.Locks, ct).ConfigureAwait(false))
                .Where(h => MayHoldLong(h, Options.ShortHolderGrace)).ToList();
            var waited = _time.GetElapsedTime(start);
            if (holders.Count == 0) return (waited, null);
            foreach (var h in holders) seen[h.Pid] = h;
            if (AutovacuumYield.Applies(statement, holders))
            {
                var queueTimeout = AutovacuumYield.QueueLockTimeout(await DeadlockTimeoutAsync(connection, ct).ConfigureAwait(false), Options.LockTimeout);
                LogQueueingBehindAutovacuum(_logger, string.Join("; ", holders), queueTimeout.TotalMilliseconds);
                return (waited, queueTimeout);
            }
            if (waited >= Options.ConflictWaitBudget)
                throw LockNotAcquiredException.WaitedOutsideQueue(statement.Text, waited, holders);
            if (lastReport is null || waited - lastReport.Value >= HolderReportInterval)
            {
                lastReport = waited;
                LogWaitingForHolders(_logger, waited.TotalSeconds, Options.ConflictWaitBudget.TotalSeconds, string.Join("; ", holders));
            }
            await Task.Delay(Options.ConflictPollInterval, _time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>How often a wait outside the lock queue says whom it waits for.</summary>
    private static readonly TimeSpan HolderReportInterval = TimeSpan.FromSeconds(5);

    private static async Task<TimeSpan> DeadlockTimeoutAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT setting::bigint FROM pg_settings WHERE name = 'deadlock_timeout'", connection);
        return TimeSpan.FromMilliseconds((long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!);
    }

    /// <summary>A young statement that is running ends soon; one idle in its transaction or itself waiting may not.</summary>
    internal static bool MayHoldLong(BlockingSession holder, TimeSpan shortHolderGrace) =>
        !holder.Granted
        || !string.Equals(holder.State, "active", StringComparison.Ordinal)
        || holder.TransactionAgeSeconds >= shortHolderGrace.TotalSeconds;

    private async Task<IReadOnlyList<BlockingSession>> CurrentHoldersAsync(DdlStatement statement, CancellationToken ct)
    {
        try
        {
            await using var connection = await DataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            return await LockHolderProbe.ConflictingHoldersAsync(connection, statement.Locks, ct).ConfigureAwait(false);
        }
        catch (NpgsqlException)
        {
            return [];
        }
    }

    private ResiliencePipeline Pipeline(string what) =>
        // Polly rejects a retry strategy with zero retries, so one attempt (MaxAttempts = 1) is an empty pipeline.
        Options.MaxAttempts == 1 ? ResiliencePipeline.Empty :
        new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(TransientErrors.IsTransient),
                MaxRetryAttempts = Options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = Options.RetryBaseDelay,
                MaxDelay = Options.RetryMaxDelay,
                OnRetry = args =>
                {
                    LogRetry(_logger, args.AttemptNumber + 1, Options.MaxAttempts, args.Outcome.Exception?.Message ?? "", args.RetryDelay.TotalMilliseconds, what);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Attempt {Attempt}/{Max} failed ({Reason}); retrying in {DelayMs:F0} ms: {What}")]
    private static partial void LogRetry(ILogger logger, int attempt, int max, string reason, double delayMs, string what);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Waiting outside the lock queue ({Seconds:F0}s of {Budget:F0}s) for: {Holders}")]
    private static partial void LogWaitingForHolders(ILogger logger, double seconds, double budget, string holders);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Only autovacuum holds the table ({Holders}): queueing with lock_timeout {LockTimeoutMs:F0} ms so PostgreSQL cancels it after deadlock_timeout")]
    private static partial void LogQueueingBehindAutovacuum(ILogger logger, string holders, double lockTimeoutMs);
}
