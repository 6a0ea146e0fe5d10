using Npgsql;
using Switchyard.Core.Backfill;
using Switchyard.Core.Execution;
using Switchyard.Core.Guards;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Guards;

public sealed class LongTransactionGuardTests : IClassFixture<LedgerDatabase>
{
    private readonly LedgerDatabase _db;

    public LongTransactionGuardTests(LedgerDatabase db) => _db = db;

    [Fact]
    public async Task LongOpenTransaction_IsReportedByPidApplicationNameAndAge_AndSlowsWhenOverTheRule()
    {
        // Given a report job that opened a transaction, touched a row and went idle
        var before = await _db.InvariantsAsync();
        await using var reportSource = _db.NewDataSource("report-job");
        await using var report = await reportSource.OpenConnectionAsync();
        await using var tx = await report.BeginTransactionAsync();
        await using (var touch = new NpgsqlCommand("UPDATE transactions SET amount_minor = amount_minor WHERE id = 1", report, tx))
            await touch.ExecuteNonQueryAsync();
        await Task.Delay(1200);

        // When the guards sample with a 1 s report threshold and a 1 s slow rule
        await using var guards = await GuardSet.CreateAsync(_db.DataSource, new GuardOptions
        {
            SampleInterval = TimeSpan.Zero,
            LongTransactionAfter = TimeSpan.FromSeconds(1),
            Rules = new Dictionary<string, GuardRule> { [SignalNames.LongTransactionSeconds] = new() { SlowAt = 1 } },
        }, CancellationToken.None);
        var decision = await guards.BeforeBatchAsync(new BatchContext("long-tx", 0, 0, 0, 0), CancellationToken.None);

        // Then the session is named with pid, application_name, state and age, and the batch is slowed
        var reading = guards.Current.Verdicts.Select(v => v.Reading).Single(r => r.Signal == SignalNames.LongTransactionSeconds);
        reading.Subject.ShouldBe($"pid {report.ProcessID} (report-job)");
        reading.Value.ShouldNotBeNull().ShouldBeGreaterThanOrEqualTo(1);
        reading.Detail.ShouldStartWith("idle in transaction");
        decision.Action.ShouldBe(ThrottleAction.Slow);
        decision.Reason.ShouldNotBeNull().ShouldContain($"pid {report.ProcessID} (report-job)");

        await tx.RollbackAsync();
        (await _db.InvariantsAsync()).SameMoneyAs(before).ShouldBeTrue();
    }

    [Fact]
    public async Task ConcurrentIndexBuild_WaitingOnALongTransaction_GetsAStatusLineNamingTheSessionNotASilentHang()
    {
        // Given a payments session with an open transaction that wrote to transactions
        var before = await _db.InvariantsAsync();
        await using var holderSource = _db.NewDataSource("payments-api");
        await using var holder = await holderSource.OpenConnectionAsync();
        await using var tx = await holder.BeginTransactionAsync();
        await using (var write = new NpgsqlCommand("UPDATE transactions SET amount_minor = amount_minor WHERE id = 2", holder, tx))
            await write.ExecuteNonQueryAsync();

        // When Switchyard builds an index concurrently through the safe runner, watched while it runs
        var runner = _db.Runner();
        var watcher = new LongStepWatcher(new GuardOptions().ReaderFor(_db.DataSource), new GuardJournal(runner), "switchyard",
            TimeSpan.FromMilliseconds(100));
        var lines = new List<StepWaitStatus>();
        var named = new TaskCompletionSource<StepWaitStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        var build = watcher.RunAsync("cic-test", ct => runner.ExecuteDdlAsync(new DdlStatement(
                "CREATE INDEX CONCURRENTLY transactions_amount_probe_idx ON transactions (amount_minor)",
                [new TableLock(new QualifiedName("public", "transactions"), LockMode.ShareUpdateExclusive)], Concurrently: true), ct),
            status =>
            {
                lock (lines) lines.Add(status);
                if (status.BlockedBy.Any(b => b.Pid == holder.ProcessID)) named.TrySetResult(status);
            }, CancellationToken.None);
        var first = await named.Task.WaitAsync(TimeSpan.FromSeconds(60));

        // Then a status line names the blocking session (pid, application_name, state) while the build has not finished
        build.IsCompleted.ShouldBeFalse("the build must still be waiting for the open transaction");
        first.Line.ShouldContain($"pid {holder.ProcessID} (payments-api, idle in transaction");
        first.Line.ShouldContain("CREATE INDEX CONCURRENTLY");
        first.Phase.ShouldStartWith("waiting for");

        // And once the session commits, the build completes and the index is valid
        await tx.CommitAsync();
        await build;
        (await _db.ScalarAsync<bool>("SELECT indisvalid FROM pg_index WHERE indexrelid = 'transactions_amount_probe_idx'::regclass")).ShouldBeTrue();

        // And the journal says who was waited for
        var rows = await GuardJournalRows.ReadAsync(_db.DataSource);
        rows.ShouldContain(r => r.Action == "waiting" && r.Message.Contains("payments-api") && r.Data.Contains($"\"pid\": {holder.ProcessID}"));
        (await _db.InvariantsAsync()).SameMoneyAs(before).ShouldBeTrue();
    }
}
