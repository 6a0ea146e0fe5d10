using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Guards;

/// <summary>
/// Runs beside a long step (a concurrent index build, a constraint validation) and says who it waits for instead of
/// hanging silently: a Switchyard session waiting on a lock is named with its blockers (pid, application_name,
/// state, transaction age, query) and the CREATE INDEX phase. Each new blocker is logged, reported and journaled once.
/// </summary>
public sealed partial class LongStepWatcher
{
    private const string Sql = """
        SELECT w.pid, left(coalesce(w.query, ''), 200), coalesce(p.phase, ''),
               coalesce(extract(epoch FROM clock_timestamp() - lw.waitstart), extract(epoch FROM clock_timestamp() - w.query_start), 0)::float8,
               b.pid, coalesce(b.application_name, ''), coalesce(b.state, ''),
               coalesce(extract(epoch FROM clock_timestamp() - b.xact_start), 0)::float8, left(coalesce(b.query, ''), 200)
        FROM pg_stat_activity w
        LEFT JOIN pg_stat_progress_create_index p ON p.pid = w.pid
        LEFT JOIN LATERAL (SELECT min(l.waitstart) AS waitstart FROM pg_locks l WHERE l.pid = w.pid AND NOT l.granted) lw ON true
        CROSS JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS bp(pid)
        JOIN pg_stat_activity b ON b.pid = bp.pid
        WHERE w.datname = current_database()
          AND w.pid <> pg_backend_pid()
          AND w.wait_event_type = 'Lock'
          AND coalesce(w.application_name, '') LIKE $1
        ORDER BY w.pid, b.xact_start NULLS LAST
        """;

    private readonly SafeSqlRunner _reader;
    private readonly GuardJournal? _journal;
    private readonly string _ownPrefix;
    private readonly TimeSpan _poll;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <param name="reader">A runner for the primary, e.g. <see cref="GuardOptions.ReaderFor"/>.</param>
    /// <param name="journal">Where first sightings of a blocker are journaled; null to only report.</param>
    /// <param name="ownPrefix">application_name prefix of Switchyard's sessions.</param>
    /// <param name="poll">How often pg_stat_activity is read while the step runs.</param>
    public LongStepWatcher(SafeSqlRunner reader, GuardJournal? journal, string ownPrefix, TimeSpan poll, TimeProvider? time = null, ILogger<LongStepWatcher>? logger = null)
    {
        _reader = reader;
        _journal = journal;
        _ownPrefix = ownPrefix;
        _poll = poll;
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Switchyard statements waiting right now, each with its blockers.</summary>
    public async Task<IReadOnlyList<StepWaitStatus>> CheckAsync(CancellationToken ct)
    {
        var rows = await _reader.QueryAsync(Sql,
            r => (Pid: r.GetInt32(0), Query: r.GetString(1), Phase: r.GetString(2), Waited: r.GetDouble(3),
                  Blocker: new SessionInfo(r.GetInt32(4), r.GetString(5), r.GetString(6), r.GetDouble(7), r.GetString(8))),
            ct, LongTransactionSignal.LikePrefix(_ownPrefix)).ConfigureAwait(false);
        return [.. rows.GroupBy(r => r.Pid).Select(g =>
        {
            var first = g.First();
            return new StepWaitStatus(first.Pid, first.Query, first.Phase, first.Waited, [.. g.Select(x => x.Blocker)]);
        })];
    }

    /// <summary>Runs <paramref name="step"/>, reporting whoever it waits for until it ends; the step's result or error passes through.</summary>
    public async Task<T> RunAsync<T>(string? migration, Func<CancellationToken, Task<T>> step, Action<StepWaitStatus>? onStatus, CancellationToken ct)
    {
        var running = step(ct);
        var reported = new HashSet<(int, int)>();
        while (!running.IsCompleted)
        {
            await Task.WhenAny(running, Task.Delay(_poll, _time, ct)).ConfigureAwait(false);
            if (running.IsCompleted) break;
            IReadOnlyList<StepWaitStatus> waits;
            try
            {
                waits = await CheckAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SqlFailedException or Npgsql.NpgsqlException)
            {
                // Watching is best effort; the step itself is bounded by its own timeouts.
                LogWatchFailed(_logger, e.Message);
                continue;
            }
            foreach (var wait in waits)
            {
                onStatus?.Invoke(wait);
                var fresh = wait.BlockedBy.Where(b => reported.Add((wait.Pid, b.Pid))).ToList();
                if (fresh.Count == 0) continue;
                LogWaiting(_logger, wait.Line);
                if (_journal is not null)
                {
                    await _journal.WriteAsync(migration, "waiting: " + wait.Line, new
                    {
                        action = "waiting",
                        pid = wait.Pid,
                        phase = wait.Phase,
                        waited_seconds = wait.WaitedSeconds,
                        blocked_by = fresh.Select(b => new { pid = b.Pid, application_name = b.ApplicationName, state = b.State, transaction_age_seconds = b.TransactionAgeSeconds, query = b.Query }),
                    }, ct).ConfigureAwait(false);
                }
            }
        }
        return await running.ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Warning, Message = "{Line}")]
    private static partial void LogWaiting(ILogger logger, string line);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Debug, Message = "Long-step watcher could not read pg_stat_activity: {Reason}")]
    private static partial void LogWatchFailed(ILogger logger, string reason);
}
