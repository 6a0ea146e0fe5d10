using System.Diagnostics;
using Npgsql;
using Switchyard.Compat.Latency;
using Switchyard.Core;
using Switchyard.Core.Backfill.Bench;
using Switchyard.Samples.Ledger.App.V1;
using Switchyard.Samples.Ledger.Workload;

namespace Switchyard.Samples.Ledger.Bench;

/// <summary>
/// Payments latency (the regulatory report left out) of one side: its no-backfill baseline window, the window while its
/// backfill ran, a no-backfill window as long as the baseline right after it, and both no-backfill windows together.
/// </summary>
public sealed record ForegroundWindow(LatencySummary Baseline, long BaselineFailed, LatencySummary DuringBackfill, long DuringBackfillFailed)
{
    public required LatencySummary After { get; init; }

    public required long AfterFailed { get; init; }

    /// <summary>The baseline and after windows together: what the foreground does with no backfill on either side of it.</summary>
    public required LatencySummary Reference { get; init; }
}

/// <summary>
/// The payments workload (app v1 instances, open loop at a fixed rate) against each benchmark ledger: a warm-up window
/// that is discarded (connections, plans and caches of a fresh workload make its first seconds slow), a baseline window
/// with no backfill, the window while that side's backfill runs, then an after window as long as the baseline. A
/// throttled backfill runs for minutes while the baseline is seconds long: the after window shows how far the
/// foreground's own latency moved meanwhile (the ledger grew, autovacuum ran), which a ratio to the baseline alone
/// charges to the backfill.
/// </summary>
public sealed class BackfillForegroundLoad : IBackfillBenchLoad, IAsyncDisposable
{
    private const string WarmUpPhase = "warmup";
    private const string BaselinePhase = "baseline";
    private const string BackfillPhase = "backfill";
    private const string AfterPhase = "after";
    private const int AppPoolSize = 16;

    /// <summary>How long the warm-up may run on, past its own length, for a cold start's backlog to drain.</summary>
    private static readonly TimeSpan MaxSettleTime = TimeSpan.FromSeconds(60);

    private readonly Dictionary<BackfillBenchSide, NpgsqlDataSource> _ledgers;
    private readonly double _tps;
    private readonly TimeSpan _baselineWindow;
    private readonly TimeSpan _warmUpWindow;
    private readonly Dictionary<BackfillBenchSide, (NpgsqlDataSource Apps, RunningWorkload Run, LatencyPublisher Feed)> _running = [];

    public BackfillForegroundLoad(BackfillBenchLedgers ledgers, double operationsPerSecond, TimeSpan warmUpWindow, TimeSpan baselineWindow)
    {
        if (operationsPerSecond <= 0) throw new SwitchyardException($"--with-load must be above 0 operations per second, got {operationsPerSecond}.", "Pass e.g. --with-load 100.");
        _ledgers = new() { [BackfillBenchSide.Naive] = ledgers.Naive, [BackfillBenchSide.Loop] = ledgers.Loop, [BackfillBenchSide.Switchyard] = ledgers.Switchyard };
        if (ledgers.Unthrottled is { } unthrottled) _ledgers[BackfillBenchSide.SwitchyardUnthrottled] = unthrottled;
        if (ledgers.Control is { } control) _ledgers[BackfillBenchSide.Control] = control;
        _tps = operationsPerSecond;
        _warmUpWindow = warmUpWindow;
        _baselineWindow = baselineWindow;
    }

    public double OperationsPerSecond => _tps;

    public IDictionary<BackfillBenchSide, ForegroundWindow> Windows { get; } = new Dictionary<BackfillBenchSide, ForegroundWindow>();

    public async Task<string> BeforeAsync(BackfillBenchSide side, CancellationToken ct)
    {
        var ledger = _ledgers[side];
        // The apps publish their latency through Switchyard.Compat, as a payments service would, so Switchyard's
        // latency SLO holds what payments see rather than a canary on its own table.
        var feed = new LatencyFeed();
        var publisher = await LatencyPublisher.StartAsync(ledger, feed, ct: ct).ConfigureAwait(false);
        var options = new WorkloadOptions
        {
            OperationsPerSecond = _tps,
            Duration = TimeSpan.FromHours(6),
            // A naive UPDATE blocks foreground writers for its whole run: let them queue rather than be rejected.
            MaxInFlight = 256,
            InitialPhase = WarmUpPhase,
            LatencyFeed = feed,
        };
        // A payments service's bounded, warm pool: operations beyond it queue for a connection (their latency counts the
        // wait, up to the operation's own timeout). A pool as large as the in-flight bound would, once the naive side
        // blocks writers, open connections up to max_connections, each a backend fork and a SCRAM exchange on the same
        // 2 cores: a storm later sides inherit. A pool of 64 still let a burst put 20-66 backends on the 2 cores at once,
        // and the contention kept them there (20 s of 2-7 s payments, the backfill paused throughout).
        var builder = new NpgsqlConnectionStringBuilder(ledger.ConnectionString)
        {
            ApplicationName = "ledger-app-v1", MaxPoolSize = AppPoolSize, MinPoolSize = AppPoolSize, Timeout = (int)options.OperationTimeout.TotalSeconds,
        };
        var apps = NpgsqlDataSource.Create(builder.ConnectionString);
        var run = await PaymentsWorkload.StartAsync(options, ledger, [new FleetMember(new LedgerAppV1(apps), 1)], ct).ConfigureAwait(false);
        _running[side] = (apps, run, publisher);
        await Task.Delay(_warmUpWindow, ct).ConfigureAwait(false);
        var settling = Stopwatch.StartNew();
        while (!WorkloadSettling.IsSettled(run.Snapshot().Timeline, run.Elapsed, _tps) && settling.Elapsed < MaxSettleTime)
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct).ConfigureAwait(false);
        var settled = Settled(settling.Elapsed);
        run.MarkPhase(BaselinePhase);
        await Task.Delay(_baselineWindow, ct).ConfigureAwait(false);
        run.MarkPhase(BackfillPhase);
        var baseline = run.Snapshot().Between(BaselinePhase, BackfillPhase);
        return FormattableString.Invariant($"payments p99 {baseline.PaymentsLatency.P99Ms:F2} ms, max {baseline.PaymentsLatency.MaxMs:F2} ms over {baseline.PaymentsLatency.Count} operations ({baseline.Failed + baseline.Rejected} failed or rejected) after a {_warmUpWindow.TotalSeconds:0.#} s warm-up{settled}");
    }

    private static string Settled(TimeSpan waited) =>
        waited >= MaxSettleTime ? FormattableString.Invariant($", then {MaxSettleTime.TotalSeconds:0} s without its backlog draining")
        : waited.TotalSeconds >= 1 ? FormattableString.Invariant($", then {waited.TotalSeconds:0} s for its backlog to drain")
        : "";

    public async Task AfterAsync(BackfillBenchSide side, CancellationToken ct)
    {
        var (apps, run, publisher) = _running[side];
        run.MarkPhase(AfterPhase);
        await Task.Delay(_baselineWindow, ct).ConfigureAwait(false);
        _running.Remove(side);
        var report = await run.StopAsync().ConfigureAwait(false);
        await run.DisposeAsync().ConfigureAwait(false);
        await publisher.DisposeAsync().ConfigureAwait(false);
        await apps.DisposeAsync().ConfigureAwait(false);
        var baseline = report.Between(BaselinePhase, BackfillPhase);
        var during = report.Between(BackfillPhase, AfterPhase);
        var after = report.Between(AfterPhase);
        // Payments only: the regulatory report reads the whole ledger every few seconds and has its own latency.
        Windows[side] = new ForegroundWindow(baseline.PaymentsLatency, baseline.Failed + baseline.Rejected, during.PaymentsLatency, during.Failed + during.Rejected)
        {
            After = after.PaymentsLatency,
            AfterFailed = after.Failed + after.Rejected,
            Reference = report.Union("no backfill", BaselinePhase, AfterPhase).PaymentsLatency,
        };
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (apps, run, publisher) in _running.Values)
        {
            await run.DisposeAsync().ConfigureAwait(false);
            await publisher.DisposeAsync().ConfigureAwait(false);
            await apps.DisposeAsync().ConfigureAwait(false);
        }
        _running.Clear();
    }
}
