using Npgsql;
using Switchyard.Core;
using Switchyard.Core.Connections;
using Switchyard.Core.Execution;
using Switchyard.Core.LocalPostgres;
using Switchyard.Core.Operations;
using Switchyard.Core.Validation;
using Switchyard.Samples.Ledger.App;
using Switchyard.Samples.Ledger.App.V1;
using Switchyard.Samples.Ledger.App.V2;
using Switchyard.Samples.Ledger.Invariants;
using Switchyard.Samples.Ledger.Seeding;
using Switchyard.Samples.Ledger.Workload;

namespace Switchyard.Samples.Ledger.Cli.Demo;

/// <summary>
/// One shard of the sharded demo: its managed cluster and streaming standby, its seeded ledger, its own payments
/// workload (app v1, then v2 from its deploy) and, at the end, its own proof.
/// </summary>
internal sealed class ShardedDemoShard : IAsyncDisposable
{
    private readonly DemoOptions _demo;
    private readonly List<NpgsqlDataSource> _sources = [];
    private readonly List<LedgerAppV2Instance> _v2 = [];
    private readonly string _connection;
    private ILedgerApp[] _v1 = [];
    private RunningWorkload? _workload;
    private long _seededMaxId;
    private LedgerInvariants? _seededBefore;
    private LedgerInvariants? _totalBefore;

    private ShardedDemoShard(DemoOptions demo, ShardResult result, string connection, string standbyConnection)
    {
        _demo = demo;
        Result = result;
        _connection = connection;
        Db = Source(connection, "demo");
        Standby = Source(standbyConnection, "demo");
    }

    public ShardResult Result { get; }
    public string Name => Result.Name;

    /// <summary>The demo's own reads and faults on the shard's primary (never the apps' pools).</summary>
    public NpgsqlDataSource Db { get; }
    public NpgsqlDataSource Standby { get; }

    /// <summary>Starts (or reuses) the shard's cluster and standby, and recreates the demo database.</summary>
    public static async Task<ShardedDemoShard> StartAsync(ShardedDemoOptions options, int index, CancellationToken ct)
    {
        var home = options.ShardHome(index);
        var cluster = new LocalCluster(options.Demo.Cluster with { Home = home });
        // Starts the cluster and its standby; builds the standby (pg_basebackup) only on the first run in this home.
        await cluster.AddStandbyAsync(options.Demo.StandbyName, ct).ConfigureAwait(false);
        await using (var admin = DataSourceFactory.Create(cluster.ConnectionString(), "demo"))
        {
            await using (var drop = admin.CreateCommand($"DROP DATABASE IF EXISTS {Ident.Quote(options.Demo.Database)} WITH (FORCE)"))
                await drop.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            await using var create = admin.CreateCommand($"CREATE DATABASE {Ident.Quote(options.Demo.Database)}");
            await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        var result = new ShardResult { Name = ShardedDemoOptions.ShardName(index), Home = home };
        return new ShardedDemoShard(options.Demo, result, cluster.ConnectionString(options.Demo.Database),
            cluster.StandbyConnectionString(options.Demo.StandbyName, options.Demo.Database));
    }

    public async Task SeedAsync(long rows, CancellationToken ct)
    {
        var seed = await new LedgerSeeder(Db).SeedAsync(new SeedOptions { Rows = rows, Partitioned = _demo.Partitioned }, null, ct).ConfigureAwait(false);
        Result.SeededRows = seed.Transactions;
        Result.SeedSeconds = Math.Round(seed.TotalElapsed.TotalSeconds, 2);
        await using (var cmd = Db.CreateCommand("SELECT coalesce(max(id), 0) FROM transactions"))
            _seededMaxId = (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        _seededBefore = await LedgerInvariantsReader.ReadAsync(Db, _seededMaxId, ct).ConfigureAwait(false);
        _totalBefore = await LedgerInvariantsReader.ReadAsync(Db, ct).ConfigureAwait(false);
    }

    /// <summary>Payments from two app v1 instances; pools open before the clock starts, as in the single demo.</summary>
    public async Task StartWorkloadAsync(double operationsPerSecond, CancellationToken ct)
    {
        var v1Db = Source(_connection, "ledger-v1");
        var reportDb = Source(_connection, "ledger-report");
        await WarmAsync(v1Db, 4, ct).ConfigureAwait(false);
        await WarmAsync(reportDb, 1, ct).ConfigureAwait(false);
        _v1 = [new LedgerAppV1(v1Db), new LedgerAppV1(v1Db)];
        _workload = await PaymentsWorkload.StartAsync(new WorkloadOptions
        {
            OperationsPerSecond = operationsPerSecond,
            Duration = TimeSpan.FromHours(6),
            InitialPhase = "baseline",
            MaxInFlight = 32,
        }, reportDb, _v1.Select(a => new FleetMember(a, 1)), ct).ConfigureAwait(false);
    }

    public void Mark(string phase) => _workload!.MarkPhase(phase);

    public void MarkEvent(string what) => _workload?.MarkEvent(what);

    /// <summary>Deploys three warm app v2 instances next to the v1 ones (v1 25%, v2 75%), from this phase on.</summary>
    public async Task DeployV2Async(string phase, CancellationToken ct)
    {
        var v2Db = Source(_connection, "ledger-v2");
        await WarmAsync(v2Db, 4, ct).ConfigureAwait(false);
        for (var i = 0; i < 3; i++)
        {
            var instance = await LedgerAppV2Instance.StartAsync(v2Db, ct: ct).ConfigureAwait(false);
            await instance.App.ReadStatusAsync(1, ct).ConfigureAwait(false);
            _v2.Add(instance);
        }
        _workload!.SetFleet([.. _v1.Select(a => new FleetMember(a, 1)), .. _v2.Select(v => new FleetMember(v.App, 2))], phase);
    }

    /// <summary>The legacy writers stop before writes go new-only; the regulatory report reads through the lookup from then on.</summary>
    public void StopLegacyWriters(string phase, string stateReportSql)
    {
        _workload!.SetRegulatoryReportSql(stateReportSql);
        _workload.SetFleet([.. _v2.Select(v => new FleetMember(v.App, 1))], phase);
    }

    public async Task RecordBaselineAsync(DemoMigration migration, CancellationToken ct)
    {
        var scope = await Suite(migration, MigrationShape.Expanded).ScopeAsync(ct).ConfigureAwait(false);
        await ReconciliationBaseline.RecordAsync(scope, ct).ConfigureAwait(false);
    }

    public async Task<ValidationReport> ValidateAsync(DemoMigration migration, MigrationShape shape, CancellationToken ct)
    {
        var report = await Suite(migration, shape).RunAsync(null, false, ct).ConfigureAwait(false);
        await ValidationEvidence.StoreAsync(new SafeSqlRunner(Db), report, null, ct).ConfigureAwait(false);
        Result.Validations.Add(report);
        if (!report.Passed) Result.Problems.Add($"validation ({ValidationEvidence.ShapeName(shape)}) failed: {string.Join(", ", report.FailingChecks)}");
        return report;
    }

    /// <summary>Stops the traffic and proves the shard: money, totals, states, failed payments, shadow mismatches.</summary>
    public async Task FinishAsync(DemoMigration migration, CancellationToken ct)
    {
        var workload = Result.Workload = await _workload!.StopAsync().ConfigureAwait(false);
        var mismatches = _v2.Sum(v => v.Mismatches.Snapshot(LedgerAppV2.FlagKey).Mismatches);
        foreach (var v in _v2) await v.DisposeAsync().ConfigureAwait(false);
        _v2.Clear();
        await ReadJournalAsync(migration.Name, ct).ConfigureAwait(false);
        if (Result.Completed) await ValidateAsync(migration, MigrationShape.Contracted, ct).ConfigureAwait(false);
        var seededAfter = await LedgerInvariantsReader.ReadAsync(Db, _seededMaxId, ct).ConfigureAwait(false);
        var totalAfter = await LedgerInvariantsReader.ReadAsync(Db, ct).ConfigureAwait(false);
        var inv = Result.Invariants = new InvariantsComparison(_seededBefore!, seededAfter, _totalBefore!, totalAfter,
            workload[OperationKind.Authorize].Succeeded, workload[OperationKind.Chargeback].Succeeded);
        if (!inv.SeededMoneySame) Result.Problems.Add("the seeded rows' money changed: invariants before and after differ");
        if (!inv.TotalsExplained) Result.Problems.Add("the ledger's totals moved by more or less than the workload's successful authorizations and chargebacks");
        if (Result.Completed && !inv.StatesComplete) Result.Problems.Add("some rows have no state after the migration");
        if (workload.TotalFailed > 0) Result.Problems.Add($"{workload.TotalFailed} payment operations failed");
        if (mismatches > 0) Result.Problems.Add($"app v2 saw {mismatches} shadow-read mismatches during cutover");
        foreach (var p in workload.Phases)
            Result.Phases.Add(new ShardPhase(p.Name, Math.Round(p.EndSeconds - p.StartSeconds, 2), p.Operations, p.Failed, p.PaymentsLatency.P99Ms));
    }

    private async Task ReadJournalAsync(string migration, CancellationToken ct)
    {
        await using (var cmd = Db.CreateCommand("SELECT phase, state, fleet_run_id FROM switchyard.migrations WHERE name = $1"))
        {
            cmd.Parameters.AddWithValue(migration);
            await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            if (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                Result.JournalPhase = reader.GetString(0);
                Result.JournalState = reader.GetString(1);
                Result.FleetRunId = reader.IsDBNull(2) ? null : reader.GetGuid(2);
            }
        }
        await using (var guards = Db.CreateCommand("SELECT at, kind, message FROM switchyard.events WHERE kind = 'guard' ORDER BY id"))
        await using (var reader = await guards.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
                Result.GuardDecisions.Add(new JournalEvent(reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1), reader.GetString(2)));
        }
        await using var steps = Db.CreateCommand("""
            SELECT s.step_key, s.status, s.attempts FROM switchyard.steps s JOIN switchyard.migrations m ON m.id = s.migration_id
            WHERE m.name = $1 ORDER BY s.id
            """);
        steps.Parameters.AddWithValue(migration);
        await using var rows = await steps.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await rows.ReadAsync(ct).ConfigureAwait(false))
            Result.Steps.Add(new StepAttempts(rows.GetString(0), rows.GetString(1), rows.GetInt32(2)));
    }

    private ValidationSuite Suite(DemoMigration migration, MigrationShape shape) => migration.Suite(Db, shape);

    private NpgsqlDataSource Source(string connection, string application)
    {
        var source = DataSourceFactory.Create(connection, application);
        _sources.Add(source);
        return source;
    }

    private static async Task WarmAsync(NpgsqlDataSource db, int connections, CancellationToken ct)
    {
        var opened = await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => db.OpenConnectionAsync(ct).AsTask())).ConfigureAwait(false);
        foreach (var connection in opened) await connection.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_workload is not null) await _workload.DisposeAsync().ConfigureAwait(false);
        foreach (var v in _v2) await v.DisposeAsync().ConfigureAwait(false);
        foreach (var s in _sources) await s.DisposeAsync().ConfigureAwait(false);
    }
}
