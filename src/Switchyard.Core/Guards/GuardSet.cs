using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Switchyard.Core.Backfill;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Guards;

/// <summary>
/// All guards as one throttle: samples every signal (at most once per <see cref="GuardOptions.SampleInterval"/>),
/// applies the policy, rolls read flags back when a rule says so, journals every change of decision with the values
/// behind it, and updates the metrics. A signal that throws is unreadable, which pauses (fail closed).
/// </summary>
public sealed partial class GuardSet : IBackfillThrottle, IAsyncDisposable
{
    private readonly List<NpgsqlDataSource> _owned = [];
    private readonly IReadOnlyList<IGuardSignal> _signals;
    private readonly GuardPolicy _policy;
    private readonly GuardJournal _journal;
    private readonly ReadFlagRollback? _rollback;
    private readonly GuardOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _sampling = new(1, 1);
    private readonly HashSet<string> _rolledBack = new(StringComparer.Ordinal);
    private long _sampledAt;
    private (ThrottleAction Action, string Source)? _lastJournaled;

    public GuardSet(IReadOnlyList<IGuardSignal> signals, GuardPolicy policy, GuardJournal journal, ReadFlagRollback? rollback,
        GuardOptions options, TimeProvider? time = null, ILogger<GuardSet>? logger = null)
    {
        _signals = signals;
        _policy = policy;
        _journal = journal;
        _rollback = rollback;
        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The signals sampled.</summary>
    public IReadOnlyList<IGuardSignal> Signals => _signals;

    /// <summary>The last sample (values, verdicts, decision), for status and watch.</summary>
    public GuardSnapshot Current { get; private set; } = GuardSnapshot.Empty;

    /// <summary>
    /// The standard guards for a primary (and optional standbys): replication lag, heartbeat per configured standby,
    /// slots, long transactions, lock waits, WAL rate, table vacuum, canary and mismatch rate as configured.
    /// Creates the guards' tables (heartbeat, canary) when needed.
    /// </summary>
    public static async Task<GuardSet> CreateAsync(NpgsqlDataSource primary, GuardOptions options, CancellationToken ct,
        TimeProvider? time = null, ILoggerFactory? loggers = null)
    {
        options.Validate();
        time ??= TimeProvider.System;
        var reader = options.ReaderFor(primary, time);
        var writer = new SafeSqlRunner(primary, time: time);
        if (options.StandbyConnections.Count > 0 || options.Canary is not null)
            await CanarySchema.EnsureAsync(writer, ct).ConfigureAwait(false);

        var owned = new List<NpgsqlDataSource>();
        var signals = new List<IGuardSignal>
        {
            new ReplicationLagSignal(reader, options.ExpectedStandbys.Concat(options.StandbyConnections.Keys)),
        };
        foreach (var (name, connection) in options.StandbyConnections)
        {
            var standby = Connections.DataSourceFactory.Create(connection, "switchyard-guard");
            owned.Add(standby);
            signals.Add(new HeartbeatSignal(reader, name, options.ReaderFor(standby, time), options.HeartbeatWait, time));
        }
        signals.Add(new ReplicationSlotSignal(reader, options.Slots));
        signals.Add(new LongTransactionSignal(reader, options.LongTransactionAfter, options.OwnApplicationPrefix));
        signals.Add(new LockWaitSignal(reader, options.OwnApplicationPrefix));
        if (options.WalRate) signals.Add(new WalRateSignal(reader, time));
        if (options.Table is { } table) signals.Add(new TableVacuumSignal(reader, table));
        if (options.Canary is { } canary) signals.Add(new CanaryProbeSignal(primary, canary, time));
        if (options.MismatchRate) signals.Add(new MismatchRateSignal(reader, options.MismatchMinReads, options.MismatchWindow));

        var set = new GuardSet(signals, new GuardPolicy(options.Rules), new GuardJournal(writer), new ReadFlagRollback(writer), options, time,
            loggers?.CreateLogger<GuardSet>());
        set._owned.AddRange(owned);
        return set;
    }

    public async ValueTask<ThrottleDecision> BeforeBatchAsync(BatchContext batch, CancellationToken ct)
    {
        if (Current.At != DateTimeOffset.MinValue && _time.GetElapsedTime(_sampledAt) < _options.SampleInterval)
            return Current.Decision;
        return (await SampleAsync(batch.Migration, ct).ConfigureAwait(false)).Decision;
    }

    /// <summary>Reads every signal now and decides; also called by watchers during long steps.</summary>
    public Task<GuardSnapshot> SampleAsync(string? migration, CancellationToken ct) => SampleAsync(migration, act: true, ct);

    /// <summary>Reads and evaluates without acting: no journal rows, no flag changes (status and watch).</summary>
    public Task<GuardSnapshot> ObserveAsync(CancellationToken ct) => SampleAsync(null, act: false, ct);

    private async Task<GuardSnapshot> SampleAsync(string? migration, bool act, CancellationToken ct)
    {
        await _sampling.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var readings = new List<SignalReading>();
            foreach (var signal in _signals)
                readings.AddRange(await ReadAsync(signal, ct).ConfigureAwait(false));
            var verdicts = readings.Select(_policy.Evaluate).ToList();
            var decision = GuardPolicy.Combine(verdicts);
            if (act)
            {
                decision = await RollBackAsync(migration, verdicts, decision, ct).ConfigureAwait(false);
                decision = await JournalAsync(migration, verdicts, decision, ct).ConfigureAwait(false);
            }

            SwitchyardMetrics.Record(readings);
            SwitchyardMetrics.RecordThrottle(migration ?? "", decision.Action);
            _sampledAt = _time.GetTimestamp();
            Current = new GuardSnapshot(_time.GetUtcNow(), verdicts, decision);
            return Current;
        }
        finally
        {
            _sampling.Release();
        }
    }

    private async Task<IReadOnlyList<SignalReading>> ReadAsync(IGuardSignal signal, CancellationToken ct)
    {
        try
        {
            return await signal.ReadAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var why = FirstLine(e);
            LogUnreadable(_logger, signal.Name, why);
            return [.. signal.Produces.Select(p => SignalReading.Unreadable(p.Signal, "", p.Unit, $"{signal.Name}: {why}"))];
        }
    }

    private async Task<ThrottleDecision> RollBackAsync(string? migration, List<SignalVerdict> verdicts, ThrottleDecision decision, CancellationToken ct)
    {
        foreach (var v in verdicts.Where(v => v.RollbackReadFlags && !_rolledBack.Contains(v.Reading.Subject)))
        {
            var flag = v.Reading.Subject;
            try
            {
                var changed = _rollback is not null && await _rollback.RollBackAsync(flag, ct).ConfigureAwait(false);
                _rolledBack.Add(flag);
                await _journal.WriteAsync(migration,
                    changed ? $"rolled back read flag {flag} to legacy: {v.Reason}" : $"read flag {flag} already reads legacy: {v.Reason}",
                    new { action = "rollback", flag_key = flag, flag_changed = changed, values = GuardJournal.Values([v]) }, ct).ConfigureAwait(false);
                LogRolledBack(_logger, flag, v.Reason ?? "");
            }
            catch (Exception e) when (e is SqlFailedException or NpgsqlException or SwitchyardException)
            {
                // Could not roll back: hold everything, loudly, rather than keep serving suspect reads silently.
                return new ThrottleDecision(ThrottleAction.Pause, TimeSpan.FromSeconds(1), $"cannot roll back read flag {flag}: {FirstLine(e)}", "guard:rollback");
            }
        }
        return decision;
    }

    private async Task<ThrottleDecision> JournalAsync(string? migration, List<SignalVerdict> verdicts, ThrottleDecision decision, CancellationToken ct)
    {
        var key = (decision.Action, decision.Source);
        if (_lastJournaled == key) return decision;
        var message = decision.Action == ThrottleAction.Proceed
            ? "guards healthy: proceed"
            : $"{decision.Action.ToString().ToLowerInvariant()}: {decision.Reason}";
        try
        {
            await _journal.WriteAsync(migration, message, new
            {
                action = decision.Action.ToString().ToLowerInvariant(),
                delay_ms = decision.Delay.TotalMilliseconds,
                source = decision.Source,
                reason = decision.Reason,
                values = GuardJournal.Values(verdicts.Where(v => !v.Healthy || decision.Action == ThrottleAction.Proceed)),
            }, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SqlFailedException or NpgsqlException)
        {
            // A decision we cannot record is not acted on silently.
            return new ThrottleDecision(ThrottleAction.Pause, TimeSpan.FromSeconds(1), $"cannot journal guard decision: {FirstLine(e)}", "guard:journal");
        }
        _lastJournaled = key;
        SwitchyardMetrics.RecordDecision(migration ?? "", decision, changed: true);
        // Healthy is news only when it follows a slow-down or pause: information, not a warning an operator must act on.
        if (decision.Action == ThrottleAction.Proceed) LogHealthy(_logger, decision.Reason ?? "healthy");
        else LogDecision(_logger, decision.Action, decision.Reason ?? "");
        return decision;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var ds in _owned) await ds.DisposeAsync().ConfigureAwait(false);
        _owned.Clear();
        _sampling.Dispose();
    }

    private static string FirstLine(Exception e)
    {
        var m = e is SqlFailedException && e.InnerException is not null ? e.InnerException.Message : e.Message;
        return m.Split('\n')[0];
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Guard signal {Signal} could not be read ({Reason}); pausing")]
    private static partial void LogUnreadable(ILogger logger, string signal, string reason);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Guard decision {Action}: {Reason}")]
    private static partial void LogDecision(ILogger logger, ThrottleAction action, string reason);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Information, Message = "Guard decision Proceed: {Reason}")]
    private static partial void LogHealthy(ILogger logger, string reason);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Error, Message = "Rolled back read flag {Flag} to legacy: {Reason}")]
    private static partial void LogRolledBack(ILogger logger, string flag, string reason);
}
