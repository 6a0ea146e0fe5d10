using Switchyard.Core.Backfill;
using Switchyard.Core.Engine;
using Switchyard.Core.Operations;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Pgroll;

/// <summary>An operation unit's backfill runs through the keyset batch engine: many short batches, committed cursors, exact resume.</summary>
public sealed class PgrollKeysetBackfillTests : IAsyncLifetime
{
    private const int Rows = 20_000;
    private const string CentsSpec = "operations:\n  - alter_column: { table: t, column: amount, type: bigint, up: amount::bigint * 100, down: (amount / 100)::text }\n";

    private readonly TestDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    private static BackfillOptions SmallBatches() => new()
    {
        Workers = 2, InitialBatchKeys = 500, MinBatchKeys = 50, MaxBatchKeys = 1_000,
        RetryBaseDelay = TimeSpan.FromMilliseconds(10), PausePollInterval = TimeSpan.FromMilliseconds(20),
    };

    private async Task<string> JournalKeyAsync(MigrationEngine engine, MigrationSpec spec)
    {
        var step = (await engine.PlanAsync(spec, CancellationToken.None)).Steps.Single(s => s.Kind == StepKind.Backfill);
        return step.BackfillTarget.ShouldBeOfType<Switchyard.Core.Operations.RowTouchTarget>().JournalKey(spec.Name);
    }

    private Task<long> CountAsync(string sql) => _db.ScalarAsync<long>(sql);

    [Fact]
    public async Task AlterColumnType_TwentyThousandRows_BackfillsInManyKeysetBatchesThroughTheTrigger()
    {
        // Given 20,000 rows with a text amount and a pgroll type change to bigint cents
        await _db.ExecuteAsync($"CREATE TABLE t (id bigint PRIMARY KEY, amount text NOT NULL); INSERT INTO t SELECT g, g::text FROM generate_series(1, {Rows}) g");
        var spec = SpecLoader.Load(CentsSpec, "cents_batched.yaml");
        var engine = new MigrationEngine(_db.Runner(), new BackfillRunnerPhase(SmallBatches(), []));
        var key = await JournalKeyAsync(engine, spec);

        // When it is applied up to Validate
        (await engine.ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Validate }, CancellationToken.None)).State.ShouldBe("waiting");

        // Then the backfill committed more than one batch per range, every key once, and every row holds up(amount)
        (await CountAsync($"SELECT count(*) FROM switchyard.backfill_ranges WHERE migration = '{key}'")).ShouldBe(2);
        (await CountAsync($"SELECT count(*) FROM switchyard.backfill_ranges WHERE migration = '{key}' AND done AND batches > 1")).ShouldBe(2);
        (await CountAsync($"SELECT count(*) FROM switchyard.backfill_batches WHERE migration = '{key}'")).ShouldBeGreaterThan(2);
        (await CountAsync($"SELECT sum(to_key - from_key)::bigint FROM switchyard.backfill_batches WHERE migration = '{key}'")).ShouldBe(Rows);
        (await CountAsync($"SELECT sum(rows_updated)::bigint FROM switchyard.backfill_ranges WHERE migration = '{key}'")).ShouldBe(Rows);
        (await CountAsync("SELECT count(*) FROM t WHERE _sy_new_amount IS DISTINCT FROM amount::bigint * 100")).ShouldBe(0);
        var progress = (await BackfillProgressReader.ReadAsync(_db.Runner(), spec.Name, CancellationToken.None)).ShouldNotBeNull();
        progress.State.ShouldBe("completed");
        progress.RowsDone.ShouldBe(Rows);
        $"{spec.Name}#{progress.Step}".ShouldBe(key);

        // And Contract leaves the bigint column under the old name with every value converted
        (await engine.ApplyAsync(spec, new ApplyOptions { Confirm = spec.Name }, CancellationToken.None)).State.ShouldBe("completed");
        (await CountAsync("SELECT count(*) FROM t WHERE pg_typeof(amount) = 'bigint'::regtype AND amount = id * 100")).ShouldBe(Rows);
    }

    [Fact]
    public async Task AlterColumnType_StoppedAfterAFewBatches_ResumesFromTheCommittedCursors()
    {
        // Given the same type change, and a run that a throttle aborts after a few batches
        await _db.ExecuteAsync($"CREATE TABLE t (id int PRIMARY KEY, amount text NOT NULL); INSERT INTO t SELECT g, g::text FROM generate_series(1, {Rows}) g");
        var spec = SpecLoader.Load(CentsSpec, "cents_resumed.yaml");
        var stopper = new StopAfterBatches(4);
        var first = new MigrationEngine(_db.Runner(), new BackfillRunnerPhase(SmallBatches(), [stopper]));
        var key = await JournalKeyAsync(first, spec);
        var stopped = await first.ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Validate }, CancellationToken.None);
        stopped.State.ShouldBe("paused");
        var firstBatches = await CountAsync($"SELECT count(*) FROM switchyard.backfill_batches WHERE migration = '{key}'");
        firstBatches.ShouldBeGreaterThan(0);
        (await CountAsync($"SELECT count(*) FROM switchyard.backfill_ranges WHERE migration = '{key}' AND NOT done")).ShouldBeGreaterThan(0);
        (await CountAsync("SELECT count(*) FROM t WHERE _sy_new_amount IS NULL")).ShouldBeGreaterThan(0);
        var cursors = await _db.ScalarAsync<string>($"SELECT string_agg(range_no || ':' || next_key, ',' ORDER BY range_no) FROM switchyard.backfill_ranges WHERE migration = '{key}'");

        // When apply runs again without the stop
        var second = new MigrationEngine(_db.Runner(), new BackfillRunnerPhase(SmallBatches(), []));
        (await second.ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Validate }, CancellationToken.None)).State.ShouldBe("waiting");

        // Then the second run started each range at its committed cursor, no key was batched twice, and every row is converted
        (await _db.ScalarAsync<string>($"""
            SELECT string_agg(range_no || ':' || first_from, ',' ORDER BY range_no) FROM (
                SELECT g.range_no, coalesce(min(b.from_key) FILTER (WHERE b.run_no = 2), g.to_key) AS first_from
                FROM switchyard.backfill_ranges g LEFT JOIN switchyard.backfill_batches b ON b.migration = g.migration AND b.range_no = g.range_no
                WHERE g.migration = '{key}' GROUP BY g.range_no, g.to_key) s
            """)).ShouldBe(cursors);
        (await CountAsync($"SELECT count(*) FROM switchyard.backfill_batches WHERE migration = '{key}' AND run_no = 2")).ShouldBeGreaterThan(0);
        (await CountAsync($"""
            SELECT count(*) FROM switchyard.backfill_batches a JOIN switchyard.backfill_batches b
              ON a.migration = b.migration AND a.id < b.id AND a.from_key < b.to_key AND b.from_key < a.to_key
            WHERE a.migration = '{key}'
            """)).ShouldBe(0);
        (await CountAsync($"SELECT sum(to_key - from_key)::bigint FROM switchyard.backfill_batches WHERE migration = '{key}'")).ShouldBe(Rows);
        (await CountAsync("SELECT count(*) FROM t WHERE _sy_new_amount IS DISTINCT FROM amount::bigint * 100")).ShouldBe(0);
    }

    [Fact]
    public async Task AlterColumnType_PartitionedTable_OneRangePerLeafPartitionAndEveryRowConverted()
    {
        // Given a table partitioned on its integer key into two leaves holding 20,000 rows
        await _db.ExecuteAsync($"""
            CREATE TABLE t (id bigint PRIMARY KEY, amount text NOT NULL) PARTITION BY RANGE (id);
            CREATE TABLE t_low PARTITION OF t FOR VALUES FROM (1) TO (10001);
            CREATE TABLE t_high PARTITION OF t FOR VALUES FROM (10001) TO (100001);
            INSERT INTO t SELECT g, g::text FROM generate_series(1, {Rows}) g
            """);
        var spec = SpecLoader.Load(CentsSpec, "cents_partitioned.yaml");
        var engine = new MigrationEngine(_db.Runner(), new BackfillRunnerPhase(SmallBatches(), []));
        var key = await JournalKeyAsync(engine, spec);

        // When it is applied up to Validate
        (await engine.ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Validate }, CancellationToken.None)).State.ShouldBe("waiting");

        // Then each leaf partition was its own range, walked in several batches, and every row passed through the trigger
        (await _db.ScalarAsync<string>($"SELECT string_agg(partition_name || ':' || done, ',' ORDER BY partition_name) FROM switchyard.backfill_ranges WHERE migration = '{key}'"))
            .ShouldBe("t_high:true,t_low:true");
        (await CountAsync($"SELECT count(*) FROM switchyard.backfill_batches WHERE migration = '{key}'")).ShouldBeGreaterThan(2);
        (await CountAsync("SELECT count(*) FROM t WHERE _sy_new_amount IS DISTINCT FROM amount::bigint * 100")).ShouldBe(0);
    }

    [Fact]
    public async Task AddColumnWithUp_RolledBackAfterItsBackfill_CursorsAreForgottenAndTheNextApplyFillsAgain()
    {
        // Given a NOT NULL column with up on 20,000 rows, applied through its backfill
        await _db.ExecuteAsync($"CREATE TABLE t (id bigint PRIMARY KEY, name text NOT NULL); INSERT INTO t SELECT g, 'n' || g FROM generate_series(1, {Rows}) g");
        var spec = SpecLoader.Load("operations:\n  - add_column: { table: t, up: \"upper(name)\", column: { name: loud, type: text } }\n", "loud.yaml");
        var engine = new MigrationEngine(_db.Runner(), new BackfillRunnerPhase(SmallBatches(), []));
        var key = await JournalKeyAsync(engine, spec);
        await engine.ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Validate }, CancellationToken.None);
        (await CountAsync($"SELECT count(*) FROM switchyard.backfill_runs WHERE migration = '{key}' AND state = 'completed'")).ShouldBe(1);

        // When it is rolled back and applied again
        await new MigrationRollback(_db.Runner()).RollbackAsync(spec, null, CancellationToken.None);
        var forgotten = await CountAsync($"SELECT count(*) FROM switchyard.backfill_runs WHERE migration = '{key}'");
        await engine.ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Validate }, CancellationToken.None);

        // Then the rollback forgot the cursors, and the second backfill filled every row again in batches
        forgotten.ShouldBe(0);
        (await CountAsync($"SELECT count(*) FROM switchyard.backfill_batches WHERE migration = '{key}' AND run_no = 1")).ShouldBeGreaterThan(4);
        (await CountAsync("SELECT count(*) FROM t WHERE loud IS DISTINCT FROM upper(name)")).ShouldBe(0);
    }

    [Fact]
    public async Task AlterColumnType_TableWithoutIntegerKey_PlansOneUpdateAndSaysSo()
    {
        // Given a table keyed by text
        await _db.ExecuteAsync("CREATE TABLE t (code text PRIMARY KEY, amount text NOT NULL); INSERT INTO t VALUES ('a', '1')");
        var spec = SpecLoader.Load(CentsSpec, "cents_textkey.yaml");
        var engine = new MigrationEngine(_db.Runner());

        // When it is planned and applied
        var plan = await engine.PlanAsync(spec, CancellationToken.None);
        (await engine.ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Validate }, CancellationToken.None)).State.ShouldBe("waiting");

        // Then the backfill is the single UPDATE, described as such, and it still fills the row
        var backfill = plan.Phase(MigrationPhase.Backfill).Steps.Single();
        backfill.Kind.ShouldBe(StepKind.Ddl);
        backfill.BackfillTarget.ShouldBeNull();
        backfill.Description.ShouldContain("ONE UPDATE");
        backfill.Description.ShouldContain("no single-column integer primary key");
        (await _db.ScalarAsync<long>("SELECT _sy_new_amount FROM t")).ShouldBe(100);
    }

    /// <summary>Lets <c>batches</c> batches through, then aborts the run (what a guard or an operator abort does).</summary>
    private sealed class StopAfterBatches(int batches) : IBackfillThrottle
    {
        private int _asked;

        public ValueTask<ThrottleDecision> BeforeBatchAsync(BatchContext batch, CancellationToken ct) =>
            ValueTask.FromResult(Interlocked.Increment(ref _asked) > batches
                ? new ThrottleDecision(ThrottleAction.Abort, TimeSpan.Zero, "test stop", "test")
                : ThrottleDecision.Proceed);
    }
}
