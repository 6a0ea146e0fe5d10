using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Switchyard.Core.Backfill;
using Switchyard.Core.Guards;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Guards;

/// <summary>Operating the guards: the watch command, the status reader and the Prometheus endpoint.</summary>
public sealed class GuardOperatingTests : IClassFixture<LedgerDatabase>
{
    private readonly LedgerDatabase _db;

    public GuardOperatingTests(LedgerDatabase db) => _db = db;

    [Fact]
    public async Task Watch_WithABoundedCountAsJson_PrintsEverySignalAndTheThrottleDecision()
    {
        // Given a ledger with an idle-in-transaction report job
        await using var reportSource = _db.NewDataSource("report-job");
        await using var report = await reportSource.OpenConnectionAsync();
        await using var tx = await report.BeginTransactionAsync();
        await using (var touch = new Npgsql.NpgsqlCommand("SELECT 1 FROM transactions LIMIT 1", report, tx)) await touch.ExecuteScalarAsync();
        await Task.Delay(1100);

        // When `switchyard watch` runs twice with a 1 s long-transaction threshold
        var result = await CliRunner.RunAsync(["watch", "-c", _db.ConnectionString, "--count", "2", "--interval", "0.2", "--json",
            "--long-transaction-seconds", "1", "--table", "public.transactions"]);

        // Then it exits 0 and prints two snake_case frames naming the session and every signal
        result.ExitCode.ShouldBe(0, result.StdErr);
        var frames = result.StdOut.Split("\n}\n", StringSplitOptions.RemoveEmptyEntries).Select(f => f.TrimEnd().EndsWith('}') ? f : f + "\n}").ToList();
        frames.Count.ShouldBe(2, result.StdOut);
        using var json = JsonDocument.Parse(frames[1]);
        json.RootElement.GetProperty("throttle").GetProperty("action").GetString().ShouldBe("proceed");
        var signals = json.RootElement.GetProperty("signals").EnumerateArray().ToList();
        signals.Select(s => s.GetProperty("signal").GetString()).Distinct().ShouldBe(
            [SignalNames.ReplicationLagBytes, SignalNames.SlotRetainedBytes, SignalNames.LongTransactionSeconds, SignalNames.LockWaitSeconds,
             SignalNames.WalRate, SignalNames.DeadTupleFraction, SignalNames.MismatchRate], ignoreOrder: true);
        signals.ShouldContain(s => s.GetProperty("subject").GetString() == $"pid {report.ProcessID} (report-job)");
        await tx.RollbackAsync();
    }

    [Fact]
    public async Task Watch_BadStandbyOption_FailsWithAHintAndChangesNothing()
    {
        var result = await CliRunner.RunAsync(["watch", "-c", _db.ConnectionString, "--count", "1", "--standby", "nonsense"]);
        result.ExitCode.ShouldNotBe(0);
        result.StdErr.ShouldContain("--standby 'nonsense' is not NAME=CONNECTION. Write e.g. --standby replica1=");
    }

    [Fact]
    public async Task StatusReaderAndMetricsEndpoint_DuringAMigration_ShowSignalValuesAndThrottleState()
    {
        // Given guards that sampled once for a migration, and a batch recorded by the backfill
        await using var guards = await GuardSet.CreateAsync(_db.DataSource, new GuardOptions { SampleInterval = TimeSpan.Zero }, CancellationToken.None);
        await guards.BeforeBatchAsync(new BatchContext("metrics-test", 0, 0, 0, 0), CancellationToken.None);
        SwitchyardMetrics.RecordBatch("metrics-test", 500, TimeSpan.FromMilliseconds(120));
        SwitchyardMetrics.SetPhase("metrics-test", "backfill");

        // When the status reader runs and the endpoint is scraped
        var status = await GuardStatusReader.ReadAsync(_db.DataSource, new GuardOptions(), CancellationToken.None);
        var port = FreePort();
        using var server = MetricsEndpoint.Start(port);
        using var http = new HttpClient();
        var text = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");

        // Then status has every signal and the journaled decision; metrics are Prometheus text with our series
        status.Now.Verdicts.ShouldContain(v => v.Reading.Signal == SignalNames.LockWaitSeconds);
        status.LastDecision.ShouldNotBeNull().Message.ShouldBe("guards healthy: proceed");
        text.ShouldContain("# TYPE switchyard_guard_signal_value gauge");
        text.ShouldContain("switchyard_guard_signal_value{signal=\"lock_wait_seconds\",subject=\"-\"} 0");
        text.ShouldContain("switchyard_throttle_state{migration=\"metrics-test\"} 0");
        text.ShouldContain("switchyard_rows_backfilled_total{migration=\"metrics-test\"} 500");
        text.ShouldContain("switchyard_batch_duration_seconds_count{migration=\"metrics-test\"} 1");
        text.ShouldContain("switchyard_phase{migration=\"metrics-test\",phase=\"backfill\"} 1");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
