using Npgsql;
using Switchyard.Core.Execution;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Execution;

public sealed class SafeSqlRunnerTests : IClassFixture<LedgerDatabase>
{
    private static readonly QualifiedName Transactions = new("public", "transactions");
    private readonly LedgerDatabase _db;

    public SafeSqlRunnerTests(LedgerDatabase db) => _db = db;

    [Fact]
    public async Task Ddl_WaitsOutsideTheLockQueueWhileAHolderIsOpen_ThenSucceedsAndNobodyQueuesBehindIt()
    {
        // Given a session holding ACCESS SHARE on transactions in an open transaction
        await using var holderSource = _db.NewDataSource("test-holder");
        await using var holder = await holderSource.OpenConnectionAsync();
        await using var holderTx = await holder.BeginTransactionAsync();
        await using (var read = new NpgsqlCommand("SELECT count(*) FROM transactions", holder, holderTx)) await read.ExecuteScalarAsync();
        var holderPid = holder.ProcessID;

        // and readers that keep reading, watched for ever waiting behind the DDL's session
        await using var watchSource = _db.NewDataSource("test-watch");
        using var stop = new CancellationTokenSource();
        var blockedObservations = 0;
        var readsDone = 0;
        // Only the time the DDL spends waiting for the holder counts: once the holder is gone the DDL runs, and a reader
        // may legitimately wait for its few milliseconds of ACCESS EXCLUSIVE.
        var holderOpen = true;
        var readers = Task.Run(async () =>
        {
            await using var reader = await watchSource.OpenConnectionAsync();
            while (!stop.IsCancellationRequested)
            {
                await using var cmd = new NpgsqlCommand("SELECT amount_minor FROM transactions WHERE id = 42", reader);
                await cmd.ExecuteScalarAsync();
                readsDone++;
            }
        });
        var watcher = Task.Run(async () =>
        {
            await using var conn = await watchSource.OpenConnectionAsync();
            while (!stop.IsCancellationRequested)
            {
                await using var cmd = new NpgsqlCommand("""
                    SELECT count(*) FROM pg_stat_activity w
                    WHERE w.wait_event_type = 'Lock' AND w.application_name = 'test-watch'
                    """, conn);
                var blocked = (int)(long)(await cmd.ExecuteScalarAsync())!;
                if (Volatile.Read(ref holderOpen)) blockedObservations += blocked;
                await Task.Delay(5);
            }
        });

        // When the DDL runs while the holder stays open for another ~1.5 s
        var runner = _db.Runner(new SafeSqlOptions { LockTimeout = TimeSpan.FromMilliseconds(100) });
        var ddl = runner.ExecuteDdlAsync(DdlStatement.On(Transactions, LockMode.AccessExclusive,
            "ALTER TABLE transactions ADD COLUMN runner_probe int"), CancellationToken.None);
        await Task.Delay(1500);
        ddl.IsCompleted.ShouldBeFalse("the DDL must wait while the holder is open");
        Volatile.Write(ref holderOpen, false);
        await Task.Delay(50); // let an in-flight watcher sample finish before the holder goes
        await holderTx.CommitAsync();
        var outcome = await ddl;
        await stop.CancelAsync();
        await Task.WhenAll(readers, watcher);

        // Then it waited for the holder, ran, and no reader ever queued behind it
        outcome.HoldersWaitedFor.Select(h => h.Pid).ShouldContain(holderPid);
        (await _db.ScalarAsync<long>("SELECT count(*) FROM pg_attribute WHERE attrelid = 'transactions'::regclass AND attname = 'runner_probe'")).ShouldBe(1);
        readsDone.ShouldBeGreaterThan(10);
        blockedObservations.ShouldBe(0);
        await _db.ExecuteAsync("ALTER TABLE transactions DROP COLUMN runner_probe");
    }

    [Theory]
    [InlineData(10_000, false)]
    [InlineData(0, true)]
    public async Task Ddl_QueuesBehindAYoungRunningStatement_UnlessTheGraceIsZero(int graceMs, bool waitsOutside)
    {
        // Given a statement that is running (not idle) on transactions, holding ACCESS SHARE for about 2 s
        await using var holder = await RunningHolder.StartAsync(_db, "test-running-holder");
        var holderPid = holder.Pid;

        // When the DDL runs with the given grace and a lock_timeout longer than the statement
        var runner = _db.Runner(new SafeSqlOptions { LockTimeout = TimeSpan.FromSeconds(20), ShortHolderGrace = TimeSpan.FromMilliseconds(graceMs) });
        var outcome = await runner.ExecuteDdlAsync(DdlStatement.On(Transactions, LockMode.AccessExclusive,
            "ALTER TABLE transactions ADD COLUMN grace_probe int"), CancellationToken.None);
        await holder.Holding;

        // Then with a grace it queued behind the young statement instead of waiting outside; without one it waited outside
        outcome.HoldersWaitedFor.Any(h => h.Pid == holderPid).ShouldBe(waitsOutside);
        outcome.Attempts.ShouldBe(1);
        (await _db.ScalarAsync<long>("SELECT count(*) FROM pg_attribute WHERE attrelid = 'transactions'::regclass AND attname = 'grace_probe'")).ShouldBe(1);
        await _db.ExecuteAsync("ALTER TABLE transactions DROP COLUMN grace_probe");
    }

    [Fact]
    public async Task Ddl_DefaultOptions_WaitsOutsideTheQueueForAStatementRunningPastTheGrace()
    {
        // Given a report-like statement on transactions that has been running for at least 40 ms (it runs about 2 s)
        await using var holder = await RunningHolder.StartAsync(_db, "test-young-report");
        var holderPid = holder.Pid;
        await Task.Delay(40);

        // When a DDL runs with the default options (a lock_timeout far shorter than the report)
        var outcome = await _db.Runner(new SafeSqlOptions()).ExecuteDdlAsync(DdlStatement.On(Transactions, LockMode.AccessExclusive,
            "ALTER TABLE transactions ADD COLUMN young_report_probe int"), CancellationToken.None);
        await holder.Holding;

        // Then it waited outside the queue for the report instead of queueing behind it (and every payment behind itself)
        // until lock_timeout, and got its lock on the first attempt
        outcome.HoldersWaitedFor.Any(h => h.Pid == holderPid).ShouldBeTrue();
        outcome.Attempts.ShouldBe(1);
        await _db.ExecuteAsync("ALTER TABLE transactions DROP COLUMN young_report_probe");
    }

    /// <summary>A session running a 2 s statement on transactions (ACCESS SHARE held), started once it holds the lock.</summary>
    private sealed class RunningHolder(NpgsqlDataSource source, NpgsqlConnection connection, NpgsqlCommand command, Task<object?> holding) : IAsyncDisposable
    {
        public int Pid => connection.ProcessID;

        public Task<object?> Holding => holding;

        public static async Task<RunningHolder> StartAsync(TestDatabase db, string applicationName)
        {
            var source = db.NewDataSource(applicationName);
            var connection = await source.OpenConnectionAsync();
            var command = new NpgsqlCommand("SELECT pg_sleep(2) FROM transactions LIMIT 1", connection);
            var holder = new RunningHolder(source, connection, command, command.ExecuteScalarAsync());
            while (await db.ScalarAsync<long>("SELECT count(*) FROM pg_locks WHERE pid = $1 AND relation = 'transactions'::regclass AND granted", holder.Pid) == 0)
                await Task.Delay(10);
            return holder;
        }

        public async ValueTask DisposeAsync()
        {
            await command.DisposeAsync();
            await connection.DisposeAsync();
            await source.DisposeAsync();
        }
    }

    [Fact]
    public async Task Ddl_HolderNeverLeaves_FailsNamingTheHolderPidAndChangesNothing()
    {
        await using var holderSource = _db.NewDataSource("long-report");
        await using var holder = await holderSource.OpenConnectionAsync();
        await using var holderTx = await holder.BeginTransactionAsync();
        await using (var read = new NpgsqlCommand("SELECT count(*) FROM transactions", holder, holderTx)) await read.ExecuteScalarAsync();

        var runner = _db.Runner(new SafeSqlOptions { ConflictWaitBudget = TimeSpan.FromSeconds(1) });
        var error = await Should.ThrowAsync<LockNotAcquiredException>(() => runner.ExecuteDdlAsync(
            DdlStatement.On(Transactions, LockMode.AccessExclusive, "ALTER TABLE transactions ADD COLUMN never_added int"), CancellationToken.None));

        error.Blockers.Select(b => b.Pid).ShouldContain(holder.ProcessID);
        error.Message.ShouldContain($"pid {holder.ProcessID}");
        error.Message.ShouldContain("long-report");
        await holderTx.RollbackAsync();
        (await _db.ScalarAsync<long>("SELECT count(*) FROM pg_attribute WHERE attrelid = 'transactions'::regclass AND attname = 'never_added'")).ShouldBe(0);
    }

    [Fact]
    public async Task Ddl_WithoutGate_LockTimeoutIsRetriedBoundedThenRaised()
    {
        // A holder of a lock the gate does not look at (an advisory-free path: the statement declares no locks).
        await using var holderSource = _db.NewDataSource("silent-holder");
        await using var holder = await holderSource.OpenConnectionAsync();
        await using var holderTx = await holder.BeginTransactionAsync();
        await using (var read = new NpgsqlCommand("LOCK TABLE accounts IN ACCESS SHARE MODE", holder, holderTx)) await read.ExecuteNonQueryAsync();

        var runner = _db.Runner(new SafeSqlOptions { LockTimeout = TimeSpan.FromMilliseconds(50), MaxAttempts = 3, RetryBaseDelay = TimeSpan.FromMilliseconds(10) });
        var error = await Should.ThrowAsync<LockNotAcquiredException>(() => runner.ExecuteDdlAsync(
            new DdlStatement("ALTER TABLE accounts ADD COLUMN nope int", []), CancellationToken.None));

        error.Attempts.ShouldBe(3);
        await holderTx.RollbackAsync();
    }

    [Fact]
    public async Task Concurrently_RunsOutsideATransaction()
    {
        var runner = _db.Runner();
        var outcome = await runner.ExecuteDdlAsync(new DdlStatement(
            "CREATE INDEX CONCURRENTLY runner_probe_idx ON transactions (auth_code)",
            [new TableLock(Transactions, LockMode.ShareUpdateExclusive)], Concurrently: true), CancellationToken.None);

        outcome.Attempts.ShouldBe(1);
        (await _db.ScalarAsync<bool>("SELECT indisvalid FROM pg_index WHERE indexrelid = 'runner_probe_idx'::regclass")).ShouldBeTrue();
        await _db.ExecuteAsync("DROP INDEX runner_probe_idx");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Ddl_ParallelWorkersSet_RunsTheStatementWithItAndLeavesThePoolWithTheServerSetting(bool concurrently)
    {
        // Given a runner whose index builds may add no parallel worker
        var runner = _db.Runner(new SafeSqlOptions { ParallelWorkers = 0 });
        var server = await _db.ScalarAsync<string>("SELECT current_setting('max_parallel_maintenance_workers')");
        var probe = concurrently ? "maintenance_probe_bare" : "maintenance_probe_in_transaction";

        // When a DDL statement, outside a transaction or in one, records the setting it runs under
        await runner.ExecuteDdlAsync(new DdlStatement(
            $"CREATE TABLE {probe} AS SELECT current_setting('max_parallel_maintenance_workers') AS workers", [], Concurrently: concurrently), CancellationToken.None);

        // Then it ran with none, and the runner's next session has the server's setting again
        (await _db.ScalarAsync<string>($"SELECT workers FROM {probe}")).ShouldBe("0");
        server.ShouldNotBe("0");
        (await runner.ScalarAsync<string>("SELECT current_setting('max_parallel_maintenance_workers')", CancellationToken.None)).ShouldBe(server);
        await _db.ExecuteAsync($"DROP TABLE {probe}");
    }

    [Fact]
    public async Task Ddl_FirstAttempt_QueuesForAQuarterOfTheLockTimeout()
    {
        // Given a runner with a 400 ms lock_timeout
        var runner = _db.Runner(new SafeSqlOptions { LockTimeout = TimeSpan.FromMilliseconds(400) });

        // When a DDL statement records the lock_timeout it runs under
        await runner.ExecuteDdlAsync(new DdlStatement("CREATE TABLE ddl_lock_timeout_probe AS SELECT current_setting('lock_timeout') AS timeout", []), CancellationToken.None);

        // Then its first attempt would have left the queue after 100 ms
        (await _db.ScalarAsync<string>("SELECT timeout FROM ddl_lock_timeout_probe")).ShouldBe("100ms");
        await _db.ExecuteAsync("DROP TABLE ddl_lock_timeout_probe");
    }

    [Fact]
    public async Task CountScan_ParallelWorkersSet_CountsWithNoMoreWorkersAndLeavesThePoolWithTheServerSetting()
    {
        // Given a runner whose heavy statements may add no parallel worker, on a server that allows parallel scans
        var runner = _db.Runner(new SafeSqlOptions { ParallelWorkers = 0 });
        var server = await _db.ScalarAsync<string>("SELECT current_setting('max_parallel_workers_per_gather')");

        // When a whole-table count (a row-proof gate's) reads the setting it runs under
        var workers = await runner.CountScanAsync("SELECT current_setting('max_parallel_workers_per_gather')::bigint FROM transactions LIMIT 1", "probe count", CancellationToken.None);

        // Then it ran with none, and the runner's next transaction has the server's setting again
        workers.ShouldBe(0);
        server.ShouldNotBe("0");
        (await runner.ScalarAsync<string>("SELECT current_setting('max_parallel_workers_per_gather')", CancellationToken.None)).ShouldBe(server);
    }

    [Fact]
    public async Task BackgroundScan_WholeTableRead_RunsInOneProcessUnderTheFullScanTimeoutAndLeavesThePoolAsItWas()
    {
        // Given a runner whose ordinary statements get a short timeout, on a server that allows parallel scans
        var runner = _db.Runner(new SafeSqlOptions { StatementTimeout = TimeSpan.FromSeconds(7) });
        var server = await _db.ScalarAsync<string>("SELECT current_setting('max_parallel_workers_per_gather')");

        // When a background scan reads the table and the settings it runs under
        var rows = await runner.BackgroundScanAsync(
            "SELECT current_setting('max_parallel_workers_per_gather'), current_setting('statement_timeout'), count(*) FROM transactions WHERE amount_minor > $1",
            r => (Workers: r.GetString(0), Timeout: r.GetString(1), Count: r.GetInt64(2)), "probe scan", CancellationToken.None, 0L);

        // Then it had no parallel worker and a full scan's hour, read the rows, and the next transaction has the server's settings
        rows.Single().Workers.ShouldBe("0");
        rows.Single().Timeout.ShouldBe("1h");
        rows.Single().Count.ShouldBeGreaterThan(0);
        server.ShouldNotBe("0");
        (await runner.ScalarAsync<string>("SELECT current_setting('max_parallel_workers_per_gather') || '/' || current_setting('statement_timeout')", CancellationToken.None))
            .ShouldBe(server + "/7s");
    }

    [Fact]
    public async Task InTransaction_SetsLocalTimeouts_ThatDoNotLeakToThePool()
    {
        var runner = _db.Runner(new SafeSqlOptions { LockTimeout = TimeSpan.FromMilliseconds(321), StatementTimeout = TimeSpan.FromSeconds(7) });

        var inside = await runner.ScalarAsync<string>("SELECT current_setting('lock_timeout') || '/' || current_setting('statement_timeout')", CancellationToken.None);
        var outside = await _db.ScalarAsync<string>("SELECT current_setting('lock_timeout')");

        inside.ShouldBe("321ms/7s");
        outside.ShouldBe("0");
    }

    [Fact]
    public async Task Ddl_StatementsThatCommitTogether_EachRunsAsItsOwnCommandAndAFailedOneUndoesTheOthers()
    {
        // Given statements that must commit together, the last of which fails (the column already exists)
        var runner = _db.Runner();
        var swap = DdlStatement.Together([new TableLock(Transactions, LockMode.AccessExclusive)],
            "ALTER TABLE transactions ADD COLUMN together_a int", "ALTER TABLE transactions ADD COLUMN together_b int", "ALTER TABLE transactions ADD COLUMN together_a int");

        // When they run
        var failed = await Should.ThrowAsync<SqlFailedException>(() => runner.ExecuteDdlAsync(swap, CancellationToken.None));

        // Then the error names every statement and neither column exists: nothing committed
        failed.Message.ShouldContain("ADD COLUMN together_a int; ALTER TABLE transactions ADD COLUMN together_b int; ALTER TABLE");
        (await _db.ScalarAsync<long>("SELECT count(*) FROM pg_attribute WHERE attrelid = 'transactions'::regclass AND attname LIKE 'together%'")).ShouldBe(0);

        // When the same statements run without the failing one, Then both columns exist
        await runner.ExecuteDdlAsync(swap with { FollowedBy = [swap.FollowedBy![0]] }, CancellationToken.None);
        (await _db.ScalarAsync<long>("SELECT count(*) FROM pg_attribute WHERE attrelid = 'transactions'::regclass AND attname LIKE 'together%'")).ShouldBe(2);
        await _db.ExecuteAsync("ALTER TABLE transactions DROP COLUMN together_a, DROP COLUMN together_b");
    }
}
