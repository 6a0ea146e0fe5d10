using System.Diagnostics;
using Npgsql;
using Switchyard.IntegrationTests.Infrastructure;
using Switchyard.Samples.Ledger.App.V1;
using Switchyard.Samples.Ledger.Schema;
using Switchyard.Samples.Ledger.Workload;

namespace Switchyard.IntegrationTests.Workload;

public sealed class PaymentsWorkloadTests : IClassFixture<LedgerDatabase>, IAsyncLifetime
{
    private static readonly string Canonical = LedgerStatuses.CanonicalSql("status");
    private static readonly OperationKind[] Writes =
        [OperationKind.Authorize, OperationKind.Capture, OperationKind.Settle, OperationKind.Refund, OperationKind.Chargeback];

    private readonly LedgerDatabase _db;
    private NpgsqlDataSource _apps = null!;

    public PaymentsWorkloadTests(LedgerDatabase db) => _db = db;

    public Task InitializeAsync()
    {
        _apps = _db.NewDataSource("workload-app");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _apps.DisposeAsync();

    [Fact]
    public async Task Workload_ShortRun_CompletesEveryOperationTypeWithoutFailureAndKeepsTheLedgerConsistent()
    {
        // Given a seeded ledger and fingerprints of everything that existed before the run
        var maxIdBefore = await _db.ScalarAsync<long>("SELECT max(id) FROM transactions");
        var maxChargebackBefore = await _db.ScalarAsync<long>("SELECT coalesce(max(id), 0) FROM chargebacks");
        var existingRows = await ExistingRowsFingerprintAsync(maxIdBefore, maxChargebackBefore);
        var before = await _db.InvariantsAsync();
        var options = new WorkloadOptions
        {
            OperationsPerSecond = 80,
            Duration = TimeSpan.FromSeconds(5),
            MaxInFlight = 16,
            RegulatoryReportInterval = TimeSpan.FromSeconds(1),
            Mix = new OperationMix { Refund = 6, Chargeback = 6 },
        };

        // When the workload runs to its end by itself
        await using var running = await PaymentsWorkload.StartAsync(options, _db.DataSource, [new FleetMember(new LedgerAppV1(_apps), 1)], CancellationToken.None);
        var report = await running.RunToEndAsync(CancellationToken.None);

        // Then nothing failed or was refused, and every operation type ran
        report.TotalFailed.ShouldBe(0, string.Join("; ", report.Operations.SelectMany(o => o.Errors)));
        report.TotalRejected.ShouldBe(0);
        foreach (var kind in Enum.GetValues<OperationKind>())
            report[kind].Count.ShouldBeGreaterThan(0, $"{kind} never ran");
        report.Timeline.Sum(t => t.Operations).ShouldBe(report.TotalOperations);
        report.Versions.ShouldHaveSingleItem().Operations.ShouldBe(report.TotalOperations - report[OperationKind.RegulatoryReport].Count);

        // Then each inserted authorization exists, and each row is exactly as far along the lifecycle as the steps that succeeded on it
        var authorized = report[OperationKind.Authorize].Succeeded;
        (await CountNewAsync(maxIdBefore, "true")).ShouldBe(authorized);
        (await CountNewAsync(maxIdBefore, "status NOT IN ('authorized','captured','settled','refunded','charged_back')")).ShouldBe(0);
        (await CountNewAsync(maxIdBefore, "status IN ('captured','settled','refunded','charged_back')")).ShouldBe(report[OperationKind.Capture].Succeeded);
        (await CountNewAsync(maxIdBefore, "status IN ('settled','refunded','charged_back')")).ShouldBe(report[OperationKind.Settle].Succeeded);
        (await CountNewAsync(maxIdBefore, "status = 'refunded'")).ShouldBe(report[OperationKind.Refund].Succeeded);
        (await CountNewAsync(maxIdBefore, "status = 'charged_back'")).ShouldBe(report[OperationKind.Chargeback].Succeeded);
        (await CountNewAsync(maxIdBefore, "updated_at < created_at")).ShouldBe(0);

        // Then every chargeback references a charged-back transaction, with its amount, once
        (await _db.ScalarAsync<long>($"SELECT count(*) FROM chargebacks WHERE id > {maxChargebackBefore}")).ShouldBe(report[OperationKind.Chargeback].Succeeded);
        (await _db.ScalarAsync<long>($"""
            SELECT count(*) FROM chargebacks c JOIN transactions t ON t.id = c.transaction_id
            WHERE c.id > {maxChargebackBefore} AND (t.status <> 'charged_back' OR t.amount_minor <> c.amount_minor OR t.id <= {maxIdBefore})
            """)).ShouldBe(0);
        (await _db.ScalarAsync<long>($"SELECT count(*) FROM (SELECT transaction_id FROM chargebacks GROUP BY 1 HAVING count(*) > 1) d")).ShouldBe(0);

        // Then the part of the ledger that existed before is untouched, and the totals grew by exactly the new rows
        (await ExistingRowsFingerprintAsync(maxIdBefore, maxChargebackBefore)).ShouldBe(existingRows);
        var after = await _db.InvariantsAsync();
        after.Transactions.ShouldBe(before.Transactions + authorized);
        after.SumAmountMinor.ShouldBe(before.SumAmountMinor + await _db.ScalarAsync<decimal>($"SELECT coalesce(sum(amount_minor), 0)::numeric FROM transactions WHERE id > {maxIdBefore}"));
        after.Chargebacks.ShouldBe(before.Chargebacks + report[OperationKind.Chargeback].Succeeded);
    }

    [Fact]
    public async Task RegulatoryReport_SlowerThanItsInterval_NeverOverlapsItself()
    {
        // Given a report that takes 0.6 s and records when it ran, due every 0.2 s
        await _db.ExecuteAsync("""
            CREATE TABLE IF NOT EXISTS report_runs (started timestamptz NOT NULL, ended timestamptz NOT NULL);
            CREATE OR REPLACE FUNCTION slow_report() RETURNS int LANGUAGE plpgsql AS $$
            DECLARE s timestamptz := clock_timestamp();
            BEGIN PERFORM pg_sleep(0.6); INSERT INTO report_runs VALUES (s, clock_timestamp()); RETURN 1; END $$;
            """);
        var options = new WorkloadOptions
        {
            OperationsPerSecond = 20,
            Duration = TimeSpan.FromSeconds(4),
            RegulatoryReportInterval = TimeSpan.FromSeconds(0.2),
            RegulatoryReportSql = "SELECT slow_report()",
        };

        // When the workload runs to its end
        await using var running = await PaymentsWorkload.StartAsync(options, _db.DataSource, [new FleetMember(new LedgerAppV1(_apps), 1)], CancellationToken.None);
        var report = await running.RunToEndAsync(CancellationToken.None);

        // Then several reports ran, one at a time: each started after the one before it had ended (as one report job
        // would), so there were moments with no report holding the ledger
        var runs = await _db.ScalarAsync<long>("SELECT count(*) FROM report_runs");
        runs.ShouldBeGreaterThan(1);
        runs.ShouldBe(report[OperationKind.RegulatoryReport].Succeeded);
        (await _db.ScalarAsync<long>("SELECT count(*) FROM report_runs a JOIN report_runs b ON b.started > a.started AND b.started < a.ended")).ShouldBe(0);
        report.TotalFailed.ShouldBe(0);
    }

    [Fact]
    public async Task Workload_Stall_ShowsInTheLatencyOfTheBlockedWritesAndOfTheReadsQueuedBehindThem()
    {
        // Given a run with few slots, so blocked writes soon hold all of them
        var before = await _db.InvariantsAsync();
        var options = new WorkloadOptions { OperationsPerSecond = 50, Duration = TimeSpan.FromSeconds(30), MaxInFlight = 4, RegulatoryReportInterval = null };
        await using var running = await PaymentsWorkload.StartAsync(options, _db.DataSource, [new FleetMember(new LedgerAppV1(_apps), 1)], CancellationToken.None);
        await WaitUntilAsync(() => running.Snapshot()[OperationKind.Capture].Count > 5);

        // When a session holds a lock that blocks every write, from the moment all slots wait on it until it commits
        var stall = Stopwatch.StartNew();
        await using var holderSource = _db.NewDataSource("stall-holder");
        await using (var holder = await holderSource.OpenConnectionAsync())
        {
            await using var tx = await holder.BeginTransactionAsync();
            await using (var lockTable = new NpgsqlCommand("LOCK TABLE transactions IN EXCLUSIVE MODE", holder, tx))
                await lockTable.ExecuteNonQueryAsync();
            await WaitUntilAsync(async () => await _db.ScalarAsync<long>(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'workload-app' AND wait_event_type = 'Lock'") >= options.MaxInFlight);
            stall.Restart();
            await Task.Delay(TimeSpan.FromMilliseconds(1500));
            stall.Stop();
            await tx.CommitAsync();
        }
        var afterStall = running.Snapshot().TotalOperations;
        await WaitUntilAsync(() => running.Snapshot().TotalOperations > afterStall + 50);
        var report = await running.StopAsync();

        // Then the blocked writes' latency (from intended start) covers the whole stall the test measured
        report.TotalFailed.ShouldBe(0, string.Join("; ", report.Operations.SelectMany(o => o.Errors)));
        var writeMax = Writes.Max(k => report[k].MaxMs);
        writeMax.ShouldBeGreaterThanOrEqualTo(stall.Elapsed.TotalMilliseconds);
        // Then the reads, which the lock does not block, still show the stall: they were due while every slot was taken
        // (a closed-loop generator would have measured them from when they finally got a slot)
        Math.Max(report[OperationKind.BalanceRead].MaxMs, report[OperationKind.RiskRead].MaxMs).ShouldBeGreaterThanOrEqualTo(stall.Elapsed.TotalMilliseconds / 2);
        report.StartedLate.ShouldBeGreaterThan(0);
        report.MaxStartLagMs.ShouldBeGreaterThanOrEqualTo(stall.Elapsed.TotalMilliseconds / 2);
        var after = await _db.InvariantsAsync();
        after.Transactions.ShouldBe(before.Transactions + report[OperationKind.Authorize].Succeeded);
    }

    [Fact]
    public async Task Workload_ShiftingTheFleetShares_MovesTheTrafficToTheOtherAppVersion()
    {
        // Given a fleet where only "v1-a" takes traffic
        var a = new LedgerAppV1(_apps, "v1-a");
        var b = new LedgerAppV1(_apps, "v1-b");
        var options = new WorkloadOptions { OperationsPerSecond = 60, Duration = TimeSpan.FromSeconds(60), RegulatoryReportInterval = null };
        await using var running = await PaymentsWorkload.StartAsync(options, _db.DataSource, [new FleetMember(a, 1), new FleetMember(b, 0)], CancellationToken.None);
        await WaitUntilAsync(() => running.Snapshot().TotalOperations >= 40);

        // When the rollout moves all traffic to "v1-b", then splits it evenly
        running.SetFleet([new FleetMember(a, 0), new FleetMember(b, 1)], phase: "all on b");
        await WaitUntilAsync(() => running.Snapshot().Phases[^1].Operations >= 40);
        running.SetFleet([new FleetMember(a, 1), new FleetMember(b, 1)], phase: "half");
        await WaitUntilAsync(() => running.Snapshot().Phases[^1].Operations >= 80);
        var report = await running.StopAsync();

        // Then each phase saw the shares that were set for it
        report.TotalFailed.ShouldBe(0, string.Join("; ", report.Operations.SelectMany(o => o.Errors)));
        var start = report.Between("start", "all on b");
        start.Version("v1-b").ShouldBeNull();
        start.Version("v1-a")!.Operations.ShouldBe(start.Operations);
        var allOnB = report.Between("all on b", "half");
        allOnB.Version("v1-a").ShouldBeNull(System.Text.Json.JsonSerializer.Serialize(new { allOnB.Versions, report.Marks, P = report.Phases.Select(p => new { p.Name, p.StartSeconds, p.EndSeconds, p.Versions }) }));
        allOnB.Version("v1-b")!.Operations.ShouldBe(allOnB.Operations);
        var half = report.Between("half");
        half.Version("v1-a")!.Operations.ShouldBeGreaterThan(0);
        half.Version("v1-b")!.Operations.ShouldBeGreaterThan(0);
        report.Marks.Count(m => m.IsPhase).ShouldBe(3);
        report.Marks.Count(m => !m.IsPhase && m.Name.StartsWith("fleet:", StringComparison.Ordinal)).ShouldBe(2);
        report.Phases.Sum(p => p.Operations).ShouldBe(report.TotalOperations);
    }

    [Fact]
    public async Task Workload_OperationCountReached_RunStopsByItself()
    {
        // Given a run bounded at 30 operations and a long duration
        var before = await _db.InvariantsAsync();
        var options = new WorkloadOptions { OperationsPerSecond = 100, Duration = TimeSpan.FromMinutes(10), MaxOperations = 30, RegulatoryReportInterval = null };

        // When it runs to its end
        await using var running = await PaymentsWorkload.StartAsync(options, _db.DataSource, [new FleetMember(new LedgerAppV1(_apps), 1)], CancellationToken.None);
        var report = await running.RunToEndAsync(CancellationToken.None);

        // Then it ended by itself (long before the duration) with exactly that many operations, all recorded
        running.ScheduleEnded.IsCompleted.ShouldBeTrue();
        report.TotalOperations.ShouldBe(30);
        report.TotalFailed.ShouldBe(0);
        report.ElapsedSeconds.ShouldBeLessThan(options.Duration.TotalSeconds);
        (await _db.InvariantsAsync()).Transactions.ShouldBe(before.Transactions + report[OperationKind.Authorize].Succeeded);
    }

    [Theory]
    [InlineData("Host=10.20.30.40;Database=ledger")]
    [InlineData("Host=127.0.0.1,db.example.com;Database=ledger")]
    public async Task Workload_DatabaseNotOnThisMachine_IsRefused(string connectionString)
    {
        // Given a data source for a remote host (never contacted)
        await using var remote = NpgsqlDataSource.Create(connectionString);

        // When the workload is started against it
        var error = await Should.ThrowAsync<Switchyard.Core.SwitchyardException>(() =>
            PaymentsWorkload.StartAsync(new WorkloadOptions(), remote, [new FleetMember(new LedgerAppV1(remote), 1)], CancellationToken.None));

        // Then it says why and what to do instead
        error.Message.ShouldContain("only runs against a database on this machine");
        error.Hint.ShouldNotBeNull().ShouldContain("127.0.0.1");
    }

    [Fact]
    public async Task Workload_MixedFleetOfV1AndV2_ShiftsFromLegacyToCompatAppWithoutFailures()
    {
        // Given app v2 before any migration (flags all legacy: the state a rollout starts from) and app v1
        var maxIdBefore = await _db.ScalarAsync<long>("SELECT max(id) FROM transactions");
        var flags = new NoFlagsYet();
        using var mismatches = new Switchyard.Compat.Mismatches.MismatchRecorder();
        var v1 = new LedgerAppV1(_apps);
        var v2 = new Switchyard.Samples.Ledger.App.V2.LedgerAppV2(_apps, flags, new Switchyard.Compat.Reads.CompatReader(flags, mismatches));
        var options = new WorkloadOptions { OperationsPerSecond = 60, Duration = TimeSpan.FromSeconds(60), RegulatoryReportInterval = null };
        await using var running = await PaymentsWorkload.StartAsync(options, _db.DataSource, [new FleetMember(v1, 1), new FleetMember(v2, 0)], CancellationToken.None);
        await WaitUntilAsync(() => running.Snapshot().TotalOperations >= 40);

        // When the rollout deploys v2 to half the fleet, then to all of it
        running.SetFleet([new FleetMember(v1, 1), new FleetMember(v2, 1)], phase: "canary");
        await WaitUntilAsync(() => running.Snapshot().Phases[^1].Operations >= 60);
        running.SetFleet([new FleetMember(v1, 0), new FleetMember(v2, 1)], phase: "all v2");
        await WaitUntilAsync(() => running.Snapshot().Phases[^1].Operations >= 60);
        var report = await running.StopAsync();

        // Then nothing failed, each phase ran the versions it was given, and rows moved by either version stayed consistent
        report.TotalFailed.ShouldBe(0, string.Join("; ", report.Operations.SelectMany(o => o.Errors)));
        report.TotalRejected.ShouldBe(0);
        report.Between("start", "canary").Version("v2").ShouldBeNull();
        var canary = report.Between("canary", "all v2");
        canary.Version("v1")!.Operations.ShouldBeGreaterThan(0);
        canary.Version("v2")!.Operations.ShouldBeGreaterThan(0);
        var allV2 = report.Between("all v2");
        allV2.Version("v1").ShouldBeNull();
        allV2.Version("v2")!.Operations.ShouldBe(allV2.Operations);
        (await CountNewAsync(maxIdBefore, "true")).ShouldBe(report[OperationKind.Authorize].Succeeded);
        (await CountNewAsync(maxIdBefore, "status IN ('captured','settled','refunded','charged_back')")).ShouldBe(report[OperationKind.Capture].Succeeded);
        (await CountNewAsync(maxIdBefore, "status IN ('settled','refunded','charged_back')")).ShouldBe(report[OperationKind.Settle].Succeeded);
    }

    /// <summary>A process that has not seen any flag row yet: every key reads as <see cref="Switchyard.Compat.Flags.CompatFlag.Default"/>.</summary>
    private sealed class NoFlagsYet : Switchyard.Compat.Flags.ICompatFlags
    {
        public Switchyard.Compat.Flags.CompatFlag Current(string flagKey) => Switchyard.Compat.Flags.CompatFlag.Default(flagKey);

        public IReadOnlyCollection<Switchyard.Compat.Flags.CompatFlag> All => [];
    }

    private Task<long> CountNewAsync(long maxIdBefore, string condition) =>
        _db.ScalarAsync<long>($"SELECT count(*) FROM transactions WHERE id > {maxIdBefore} AND {condition}");

    private Task<string?> ExistingRowsFingerprintAsync(long maxId, long maxChargebackId) => _db.ScalarAsync<string>($"""
        SELECT md5((SELECT string_agg(format('%s:%s:%s:%s:%s', id, account_id, amount_minor, status, updated_at), ',' ORDER BY id) FROM transactions WHERE id <= {maxId})
                || (SELECT coalesce(string_agg(format('%s:%s:%s', id, transaction_id, amount_minor), ',' ORDER BY id), '') FROM chargebacks WHERE id <= {maxChargebackId}))
        """);

    private static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        // A bound only against hanging forever; no assertion depends on how long this takes.
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException("Condition not reached within 60 s.");
            await Task.Delay(10);
        }
    }
}
