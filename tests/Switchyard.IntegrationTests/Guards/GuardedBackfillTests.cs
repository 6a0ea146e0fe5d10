using System.Net;
using System.Net.Sockets;
using Npgsql;
using Switchyard.Core.Backfill;
using Switchyard.Core.Backfill.Bench;
using Switchyard.Core.Execution;
using Switchyard.Core.Guards;
using Switchyard.Core.Operations;
using Switchyard.IntegrationTests.Infrastructure;
using Xunit.Abstractions;
using Switchyard.Samples.Ledger.Schema;

namespace Switchyard.IntegrationTests.Guards;

/// <summary>End to end: the real backfill runner consults the guards before every batch while a real standby pauses replay.</summary>
[Collection(nameof(StandbyCollection))]
public sealed class GuardedBackfillTests : IClassFixture<StandbyDatabase>
{
    private const string Migration = "guarded-backfill";
    private readonly StandbyDatabase _db;
    private readonly ITestOutputHelper _output;

    public GuardedBackfillTests(StandbyDatabase db, ITestOutputHelper output)
    {
        _db = db;
        _output = output;
    }

    [Fact]
    public async Task StandbyReplayPause_PausesTheBackfillWithinAFewBatches_AndReplayResumeLetsItFinish()
    {
        // Given an expanded ledger (state_id + dual-write trigger), payments traffic on the primary, and guards on the standby
        await ExpandAsync();
        var before = await _db.InvariantsAsync();
        await using var guards = await GuardSet.CreateAsync(_db.Primary, new GuardOptions
        {
            SampleInterval = TimeSpan.Zero,
            HeartbeatWait = TimeSpan.FromMilliseconds(300),
            StandbyConnections = new Dictionary<string, string> { [StandbyCluster.StandbyName] = _db.StandbyConnectionString },
            Rules = new Dictionary<string, GuardRule>
            {
                [SignalNames.ReplicationLagBytes] = new() { PauseAt = 512 * 1024, ResumeBelow = 128 * 1024, PauseRecheck = TimeSpan.FromMilliseconds(200) },
                [SignalNames.HeartbeatLagSeconds] = new() { PauseAt = 1, ResumeBelow = 0.5, PauseRecheck = TimeSpan.FromMilliseconds(200) },
            },
        }, CancellationToken.None);
        var recorder = new DecisionRecorder(guards);
        var progress = new LatestProgress();
        using var stopTraffic = new CancellationTokenSource();
        var traffic = PaymentsTrafficAsync(stopTraffic.Token);
        var runner = new BackfillRunner(new SafeSqlRunner(_db.Primary));
        var request = new BackfillRequest(Migration, LedgerFlagship.Target(), new BackfillOptions
        {
            Workers = 1, InitialBatchKeys = 25, MinBatchKeys = 25, MaxBatchKeys = 25, PausePollInterval = TimeSpan.FromMilliseconds(200),
        });

        await using var standby = _db.NewDataSource("test-standby-admin", standby: true);
        Task<BackfillOutcome> backfill;
        int batchesBeforeReplayPause, batchesUntilGuardPaused;
        long rowsWhenPaused, rowsAfterHolding;
        try
        {
            backfill = runner.RunAsync(request, [recorder, new RowRateThrottle(400)], progress, CancellationToken.None);
            await WaitForAsync(() => progress.Latest?.RowsDone > 300, "the backfill to get going",
                () => $"backfill task {backfill.Status} {backfill.Exception?.InnerException?.Message}, progress {progress.Latest}, last decision {recorder.Last}");

            // When replay pauses on the standby while the backfill and the traffic keep writing
            batchesBeforeReplayPause = recorder.Count;
            await ExecAsync(standby, "SELECT pg_wal_replay_pause()");
            await WaitForAsync(() => progress.Latest?.State == "paused", "the backfill to pause");
            batchesUntilGuardPaused = recorder.FirstIndexAfter(batchesBeforeReplayPause, ThrottleAction.Pause) - batchesBeforeReplayPause;
            rowsWhenPaused = progress.Latest!.RowsDone;

            // Then it paused within a few batches and holds: more guard polls, no more rows
            var polls = recorder.Count;
            await WaitForAsync(() => recorder.Count >= polls + 5, "five more guard polls while paused");
            rowsAfterHolding = progress.Latest!.RowsDone;
            backfill.IsCompleted.ShouldBeFalse();
            _output.WriteLine("=== switchyard watch while the guard holds the backfill ===");
            var watch = await CliRunner.RunAsync(["watch", "-c", _db.PrimaryConnectionString, "--count", "1", "--migration", Migration,
                "--standby", $"{StandbyCluster.StandbyName}={_db.StandbyConnectionString}"]);
            _output.WriteLine(watch.StdOut + watch.StdErr);
            _output.WriteLine("=== /metrics while the guard holds the backfill ===");
            _output.WriteLine(await ScrapeAsync());
        }
        finally
        {
            await ExecAsync(standby, "SELECT pg_wal_replay_resume()");
        }

        // When replay resumes (and the traffic that built the lag stops, so a starved standby can drain below
        // resume_below even on a loaded machine), the backfill finishes
        await stopTraffic.CancelAsync();
        await traffic;
        var outcome = await backfill.WaitAsync(TimeSpan.FromMinutes(3));

        // Then
        batchesUntilGuardPaused.ShouldBeInRange(0, 10);
        rowsAfterHolding.ShouldBe(rowsWhenPaused);
        outcome.ShouldBeOfType<BackfillCompleted>();
        var rows = await GuardJournalRows.ReadAsync(_db.Primary);
        var pause = rows.First(r => r.Action == "pause");
        pause.Message.ShouldContain("standby standby1");
        rows.ShouldContain(r => r.Action == "proceed" && r.Id > pause.Id);
        var after = await _db.InvariantsAsync();
        after.SameMoneyAs(before).ShouldBeTrue($"{before} vs {after}");
        after.StateMissing.ShouldBe(0);
        after.StatusStateDisagreements.ShouldBe(0);
        _output.WriteLine($"batches between replay pause and guard pause: {batchesUntilGuardPaused}; rows when paused {rowsWhenPaused}, after holding {rowsAfterHolding}; outcome {outcome}");
    }

    /// <summary>The engine planner's Expand steps for the flagship target (lookup, state_id, dual-write trigger, flag, NOT VALID FK), run safely; no backfill.</summary>
    private Task ExpandAsync() =>
        new BenchExpand(new SafeSqlRunner(_db.Primary)).ApplyAsync(LedgerFlagship.Target(), foreignKey: true, CancellationToken.None);

    private async Task PaymentsTrafficAsync(CancellationToken ct)
    {
        await using var source = _db.NewDataSource("payments-api");
        await ExecAsync(source, "CREATE TABLE IF NOT EXISTS payment_events (id bigserial PRIMARY KEY, payload text)");
        while (!ct.IsCancellationRequested)
        {
            await ExecAsync(source, "INSERT INTO payment_events (payload) SELECT repeat('p', 200) FROM generate_series(1, 200)");
            try { await Task.Delay(20, ct); } catch (OperationCanceledException) { break; }
        }
    }

    private static async Task WaitForAsync(Func<bool> condition, string what, Func<string>? state = null)
    {
        for (var i = 0; i < 600 && !condition(); i++) await Task.Delay(100);
        condition().ShouldBeTrue($"timed out waiting for {what}; {state?.Invoke()}");
    }

    private static async Task ExecAsync(NpgsqlDataSource source, string sql)
    {
        await using var cmd = source.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<string> ScrapeAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var server = MetricsEndpoint.Start(port);
        using var http = new HttpClient();
        var text = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
        return string.Join('\n', text.Split('\n').Where(l => l.Contains("switchyard_", StringComparison.Ordinal)));
    }

    /// <summary>Passes the guards' decisions through unchanged and remembers them in order.</summary>
    private sealed class DecisionRecorder(IBackfillThrottle inner) : IBackfillThrottle
    {
        private readonly List<ThrottleAction> _actions = [];

        public ThrottleDecision? Last { get; private set; }

        public int Count { get { lock (_actions) return _actions.Count; } }

        public int FirstIndexAfter(int start, ThrottleAction action)
        {
            lock (_actions) return _actions.FindIndex(start, a => a == action);
        }

        public async ValueTask<ThrottleDecision> BeforeBatchAsync(BatchContext batch, CancellationToken ct)
        {
            var decision = await inner.BeforeBatchAsync(batch, ct);
            lock (_actions) _actions.Add(decision.Action);
            Last = decision;
            return decision;
        }
    }

    private sealed class LatestProgress : IProgress<BackfillProgress>
    {
        public BackfillProgress? Latest { get; private set; }

        public void Report(BackfillProgress value) => Latest = value;
    }
}
