using Npgsql;
using Switchyard.Samples.Ledger.App;

namespace Switchyard.Samples.Ledger.Workload;

/// <summary>
/// A workload in progress. Operations are due on a fixed schedule (open loop); each one's latency runs from the time
/// it was due, so a stall shows in every operation it delayed, including those that waited for a free slot.
/// </summary>
public sealed class RunningWorkload : IAsyncDisposable
{
    private static readonly string[] Currencies = ["EUR", "EUR", "EUR", "USD", "USD", "GBP"];
    private static readonly string[] ChargebackReasons = ["fraud", "not_received", "duplicate", "not_as_described"];

    private readonly WorkloadOptions _options;
    private readonly NpgsqlDataSource _ledger;
    private readonly LedgerShape _shape;
    private readonly WorkloadRecorder _recorder;
    private readonly LifecyclePools _pools = new();
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly (OperationKind Kind, double Cumulative)[] _mix;
    private readonly Random _random;
    // Each fleet applies to the operations due from its time on, however far behind the dispatcher runs.
    private readonly List<(TimeSpan From, Fleet Fleet)> _fleets = [];
    private long _startTimestamp;
    private Task _schedule = Task.CompletedTask;
    private WorkloadReport? _final;
    private readonly object _stopGate = new();
    private Task<WorkloadReport>? _stopping;
    private string _regulatoryReportSql;

    // When the next regulatory report is due (TimeSpan ticks); ReportRunning while one runs, so reports never overlap.
    private long _nextReportTicks;
    private const long ReportRunning = long.MaxValue - 1;

    internal RunningWorkload(WorkloadOptions options, NpgsqlDataSource ledger, LedgerShape shape, Fleet fleet)
    {
        _options = options;
        _ledger = ledger;
        _shape = shape;
        _fleets.Add((TimeSpan.Zero, fleet));
        _recorder = new WorkloadRecorder(options.InitialPhase, options.ErrorsKept);
        _slots = new SemaphoreSlim(options.MaxInFlight, options.MaxInFlight);
        _random = new Random(options.Seed);
        _regulatoryReportSql = options.RegulatoryReportSql;
        var sum = 0.0;
        _mix = [.. options.Mix.Weights().Where(w => w.Weight > 0).Select(w => (w.Kind, sum += w.Weight))];
    }

    /// <summary>Completes when the schedule has ended (duration or operation count reached, or stopped).</summary>
    public Task ScheduleEnded => _schedule;

    /// <summary>Time since the run started.</summary>
    public TimeSpan Elapsed => _options.Time.GetElapsedTime(_startTimestamp);

    /// <summary>Starts a new phase: a band on the charts and a unit for <see cref="WorkloadReport.Between"/>.</summary>
    public void MarkPhase(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _recorder.MarkPhase(name, Elapsed);
    }

    /// <summary>Marks a moment (e.g. "fault: kill -9 migrator") on the charts without starting a phase.</summary>
    public void MarkEvent(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _recorder.MarkEvent(name, Elapsed);
    }

    /// <summary>
    /// Replaces the fleet's app instances and shares for every operation due from now on (also those the dispatcher
    /// has not reached yet). With <paramref name="phase"/>, starts that phase at the same instant.
    /// </summary>
    public void SetFleet(IEnumerable<FleetMember> fleet, string? phase = null)
    {
        var next = Fleet.From(fleet);
        if (phase is not null) ArgumentException.ThrowIfNullOrWhiteSpace(phase);
        lock (_fleets)
        {
            var at = Elapsed;
            _fleets.Add((at, next));
            if (phase is not null) _recorder.MarkPhase(phase, at);
            _recorder.MarkEvent($"fleet: {next}", at);
        }
    }

    /// <summary>Swaps the regulatory report's SQL for the reports due from now on (e.g. once the legacy column is gone).</summary>
    public void SetRegulatoryReportSql(string sql)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
        Volatile.Write(ref _regulatoryReportSql, sql);
        _recorder.MarkEvent("regulatory report: SQL swapped", Elapsed);
    }

    /// <summary>The figures so far, while the run goes on.</summary>
    public WorkloadReport Snapshot() => _final ?? _recorder.Report(_options, Elapsed);

    /// <summary>Stops scheduling, lets the operations in flight finish, and reports. Safe to call again, from any thread.</summary>
    public Task<WorkloadReport> StopAsync()
    {
        lock (_stopGate) return _stopping ??= StopOnceAsync();
    }

    /// <summary>Runs until the schedule ends by itself (duration or count) or <paramref name="ct"/> stops it early, then reports.</summary>
    public async Task<WorkloadReport> RunToEndAsync(CancellationToken ct)
    {
        // Cancellation ends the schedule early but still yields the report of what ran.
        using (ct.Register(() => _stop.Cancel()))
            await _schedule.ConfigureAwait(false);
        return await StopAsync().ConfigureAwait(false);
    }

    private async Task<WorkloadReport> StopOnceAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _schedule.ConfigureAwait(false);
        // Every slot free means every dispatched operation has recorded its result.
        for (var i = 0; i < _options.MaxInFlight; i++) await _slots.WaitAsync().ConfigureAwait(false);
        _final = _recorder.Report(_options, Elapsed);
        _slots.Release(_options.MaxInFlight);
        return _final;
    }

    public async ValueTask DisposeAsync()
    {
        if (_final is null) await _abort.CancelAsync().ConfigureAwait(false);
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
        _abort.Dispose();
        _slots.Dispose();
    }

    internal void Start()
    {
        _startTimestamp = _options.Time.GetTimestamp();
        _schedule = Task.Run(ScheduleAsync);
    }

    private async Task ScheduleAsync()
    {
        var stop = _stop.Token;
        var report = _options.RegulatoryReportInterval;
        Interlocked.Exchange(ref _nextReportTicks, (report ?? TimeSpan.MaxValue).Ticks);
        long next = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var dueOp = next < _options.MaxOperations ? TimeSpan.FromSeconds(next / _options.OperationsPerSecond) : TimeSpan.MaxValue;
                var reportTicks = Interlocked.Read(ref _nextReportTicks);
                if (reportTicks == ReportRunning && dueOp == TimeSpan.MaxValue)
                {
                    // Only the running report is left to wait for: it sets the next one's time when it ends.
                    await Task.Delay(TimeSpan.FromMilliseconds(50), _options.Time, stop).ConfigureAwait(false);
                    continue;
                }
                var nextReport = TimeSpan.FromTicks(reportTicks);
                var isReport = nextReport <= dueOp;
                var due = isReport ? nextReport : dueOp;
                if (due >= _options.Duration) break;

                // Timers may fire a little early; an operation never starts before it is due (a phase mark or a
                // fleet change set in between must apply to it).
                for (var wait = due - Elapsed; wait > TimeSpan.Zero; wait = due - Elapsed)
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds)), _options.Time, stop).ConfigureAwait(false);
                // A due operation waits here for a slot; its latency still runs from `due`.
                await _slots.WaitAsync(stop).ConfigureAwait(false);
                if (isReport)
                {
                    Interlocked.Exchange(ref _nextReportTicks, ReportRunning);
                    _ = Task.Run(() => RunReportAsync(due, report!.Value), CancellationToken.None);
                }
                else
                {
                    var operation = Plan(due);
                    _ = Task.Run(() => RunOperationAsync(operation, due), CancellationToken.None);
                    next++;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped by the caller: the operations in flight still finish and record.
        }
    }

    /// <summary>Decides the next operation on the scheduler's thread, so one seed gives one sequence.</summary>
    private PlannedOperation Plan(TimeSpan due)
    {
        var roll = _random.NextDouble() * _mix[^1].Cumulative;
        var wanted = _mix.First(m => roll < m.Cumulative).Kind;
        var (kind, transactionId) = _pools.Take(wanted);
        var app = FleetAt(due).Pick(_random);
        return new PlannedOperation(kind, app, transactionId,
            AccountId: 1 + _random.NextInt64(_shape.MaxAccountId),
            MerchantId: 1 + _random.NextInt64(_shape.MaxMerchantId),
            AmountMinor: Math.Max(50, (long)Math.Exp(6.5 + _random.NextDouble() * 5.5)),
            Currency: Currencies[_random.Next(Currencies.Length)],
            Reason: ChargebackReasons[_random.Next(ChargebackReasons.Length)]);
    }

    private Fleet FleetAt(TimeSpan due)
    {
        lock (_fleets)
        {
            for (var i = _fleets.Count - 1; i > 0; i--)
            {
                if (_fleets[i].From <= due) return _fleets[i].Fleet;
            }
            return _fleets[0].Fleet;
        }
    }

    private async Task RunOperationAsync(PlannedOperation op, TimeSpan due)
    {
        try
        {
            _recorder.StartLag(Elapsed - due, _options.LateStartTolerance);
            OperationOutcome outcome;
            string? error = null;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token);
                timeout.CancelAfter(_options.OperationTimeout);
                outcome = await ExecuteAsync(op, timeout.Token).ConfigureAwait(false) ? OperationOutcome.Succeeded : OperationOutcome.Rejected;
            }
#pragma warning disable CA1031 // Any exception of an app is a failed payment operation to count, never a crash of the workload.
            catch (Exception e)
#pragma warning restore CA1031
            {
                outcome = OperationOutcome.Failed;
                error = Describe(e, op.Kind == OperationKind.Authorize ? null : op.TransactionId);
            }
            var latency = Elapsed - due;
            _recorder.Record(op.Kind, op.App.Version, due, latency, outcome, error);
            _options.LatencyFeed?.Record(latency);
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task<bool> ExecuteAsync(PlannedOperation op, CancellationToken ct)
    {
        var app = op.App;
        switch (op.Kind)
        {
            case OperationKind.Authorize:
                var id = await app.AuthorizeAsync(op.AccountId, op.MerchantId, op.AmountMinor, op.Currency, ct).ConfigureAwait(false);
                _pools.Succeeded(OperationKind.Authorize, id);
                return true;
            case OperationKind.Capture:
                return Advance(op, await app.CaptureAsync(op.TransactionId, ct).ConfigureAwait(false));
            case OperationKind.Settle:
                return Advance(op, await app.SettleAsync(op.TransactionId, ct).ConfigureAwait(false));
            case OperationKind.Refund:
                return await app.RefundAsync(op.TransactionId, ct).ConfigureAwait(false);
            case OperationKind.Chargeback:
                return await app.ChargebackAsync(op.TransactionId, op.Reason, ct).ConfigureAwait(false);
            case OperationKind.BalanceRead:
                await app.ReadBalanceAsync(op.AccountId, ct).ConfigureAwait(false);
                return true;
            case OperationKind.RiskRead:
                await app.RecentTransactionsAsync(op.AccountId, _options.RiskReadLimit, ct).ConfigureAwait(false);
                return true;
            default:
                throw new InvalidOperationException($"{op.Kind} is not an app operation.");
        }
    }

    private bool Advance(PlannedOperation op, bool applied)
    {
        if (applied) _pools.Succeeded(op.Kind, op.TransactionId);
        return applied;
    }

    /// <summary>
    /// One report run. Like a reporting job with one worker, it never overlaps itself: the next is due an interval after
    /// this one was, or, when this one overran that, an interval after it ended. Overlapping whole-ledger reads would
    /// leave no moment without an ACCESS SHARE holder, and no real report job stacks runs on itself.
    /// </summary>
    private async Task RunReportAsync(TimeSpan due, TimeSpan interval)
    {
        try
        {
            _recorder.StartLag(Elapsed - due, _options.LateStartTolerance);
            var outcome = OperationOutcome.Succeeded;
            string? error = null;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token);
                timeout.CancelAfter(_options.OperationTimeout);
                await using var cmd = _ledger.CreateCommand(Volatile.Read(ref _regulatoryReportSql));
                cmd.CommandTimeout = 0;
                await using var reader = await cmd.ExecuteReaderAsync(timeout.Token).ConfigureAwait(false);
                while (await reader.ReadAsync(timeout.Token).ConfigureAwait(false))
                {
                    // The report is read in full, as a regulator's export would be.
                }
            }
#pragma warning disable CA1031 // A failed report is counted, never a crash of the workload.
            catch (Exception e)
#pragma warning restore CA1031
            {
                outcome = OperationOutcome.Failed;
                error = Describe(e, null);
            }
            _recorder.Record(OperationKind.RegulatoryReport, null, due, Elapsed - due, outcome, error);
        }
        finally
        {
            var ended = Elapsed;
            Interlocked.Exchange(ref _nextReportTicks, (ended <= due + interval ? due + interval : ended + interval).Ticks);
            _slots.Release();
        }
    }

    private static string Describe(Exception e, long? transactionId)
    {
        var what = e is OperationCanceledException ? "timed out or cancelled" : $"{e.GetType().Name}: {e.Message}";
        return transactionId is { } id ? $"transaction {id}: {what}" : what;
    }

    private sealed record PlannedOperation(
        OperationKind Kind, ILedgerApp App, long TransactionId, long AccountId, long MerchantId, long AmountMinor, string Currency, string Reason);
}
