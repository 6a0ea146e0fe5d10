using System.Text.Json;
using Npgsql;
using Switchyard.IntegrationTests.Engine;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Status;

public sealed class StatusBackfillGuardsTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task Status_DuringBackfill_ShowsProgressPerWorkerAndGuardSignalsWithTheCurrentThrottleReason()
    {
        // Given the flagship migration applied through Backfill by the CLI with two workers
        var apply = await CliRunner.RunAsync(["apply", FlagshipSpec.Path, "--to", "backfill", "--workers", "2", .. FlagshipSpec.Connect(db)]);
        apply.ExitCode.ShouldBe(0, apply.StdOut + apply.StdErr);
        var rows = await db.ScalarAsync<long>("SELECT count(*) FROM transactions");
        // and an app session waiting on a row lock a Switchyard-named session holds (what the lock-wait guard watches)
        await using var holderSource = db.NewDataSource("switchyard-test-holder");
        await using var holder = await holderSource.OpenConnectionAsync();
        await using var holderTx = await holder.BeginTransactionAsync();
        await using (var c = new NpgsqlCommand("UPDATE transactions SET updated_at = now() WHERE id = 1", holder, holderTx)) await c.ExecuteNonQueryAsync();
        await using var appSource = db.NewDataSource("ledger-app");
        await using var app = await appSource.OpenConnectionAsync();
        var waiting = new NpgsqlCommand("UPDATE transactions SET updated_at = now() WHERE id = 1", app).ExecuteNonQueryAsync();
        for (var i = 0; i < 200 && !await db.ScalarAsync<bool>(
                 "SELECT EXISTS (SELECT 1 FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid AND NOT l.granted WHERE a.application_name = 'ledger-app' AND clock_timestamp() - l.waitstart > interval '500 ms')"); i++)
            await Task.Delay(50);

        // When status runs with --json and as a table
        var json = await CliRunner.RunAsync(["status", "--json", .. FlagshipSpec.Connect(db)]);
        var table = await CliRunner.RunAsync(["status", .. FlagshipSpec.Connect(db)]);
        await holderTx.RollbackAsync();
        await waiting;

        // Then the JSON has the backfill: completed, every row done, rows/s, ETA and one entry per worker
        json.ExitCode.ShouldBe(0, json.StdErr);
        using var doc = JsonDocument.Parse(json.StdOut);
        var status = doc.RootElement.EnumerateArray().Single();
        var backfill = status.GetProperty("backfill");
        backfill.GetProperty("state").GetString().ShouldBe("completed");
        backfill.GetProperty("rows_done").GetInt64().ShouldBe(rows);
        backfill.GetProperty("rows_estimated").GetInt64().ShouldBeGreaterThan(0);
        backfill.GetProperty("rows_per_second").GetDouble().ShouldBeGreaterThan(0);
        backfill.TryGetProperty("eta", out _).ShouldBeTrue();
        var workers = backfill.GetProperty("workers").EnumerateArray().ToList();
        workers.Count.ShouldBe(2);
        workers.Sum(w => w.GetProperty("rows_updated").GetInt64()).ShouldBe(rows);
        // and the guards: every signal's latest value, and a pause whose reason names the lock wait behind our session
        var guards = status.GetProperty("guards").GetProperty("now");
        var signals = guards.GetProperty("verdicts").EnumerateArray().Select(v => v.GetProperty("reading").GetProperty("signal").GetString()).ToList();
        signals.ShouldContain("lock_wait_seconds");
        signals.ShouldContain("replication_lag_bytes");
        signals.ShouldContain("long_transaction_seconds");
        var lockWait = guards.GetProperty("verdicts").EnumerateArray().First(v => v.GetProperty("reading").GetProperty("signal").GetString() == "lock_wait_seconds");
        lockWait.GetProperty("reading").GetProperty("value").GetDouble().ShouldBeGreaterThan(0.2);
        var decision = guards.GetProperty("decision");
        decision.GetProperty("action").GetString().ShouldBe("pause");
        decision.GetProperty("reason").GetString()!.ShouldContain("lock_wait_seconds");

        // and the table output shows the same
        table.ExitCode.ShouldBe(0, table.StdErr);
        table.StdOut.ShouldContain($"backfill: completed, {rows:N0}");
        table.StdOut.ShouldContain("guards: throttle now pause");
        table.StdOut.ShouldContain("lock_wait_seconds");
    }
}
