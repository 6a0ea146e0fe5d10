using Switchyard.Core.Execution;

namespace Switchyard.Core.Guards;

/// <summary>
/// Sessions waiting for a lock a Switchyard session holds (<c>pg_blocking_pids</c>), with how long they have waited
/// (<c>pg_locks.waitstart</c>). A customer must never wait on us past lock_timeout.
/// </summary>
public sealed class LockWaitSignal : IGuardSignal
{
    private const string Sql = """
        SELECT w.pid, coalesce(w.application_name, ''), b.pid, coalesce(b.application_name, ''),
               coalesce(extract(epoch FROM clock_timestamp() - lw.waitstart), 0)::float8, left(coalesce(w.query, ''), 200)
        FROM pg_stat_activity w
        CROSS JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS bp(pid)
        JOIN pg_stat_activity b ON b.pid = bp.pid
        LEFT JOIN LATERAL (SELECT min(l.waitstart) AS waitstart FROM pg_locks l WHERE l.pid = w.pid AND NOT l.granted) lw ON true
        WHERE w.datname = current_database()
          AND w.pid <> pg_backend_pid()
          AND w.wait_event_type = 'Lock'
          AND coalesce(b.application_name, '') LIKE $1
        ORDER BY lw.waitstart NULLS LAST
        """;

    private readonly SafeSqlRunner _primary;
    private readonly string _ownPrefix;

    public LockWaitSignal(SafeSqlRunner primary, string ownPrefix)
    {
        _primary = primary;
        _ownPrefix = ownPrefix;
    }

    public string Name => "lock waits";

    public IReadOnlyList<(string Signal, string Unit)> Produces { get; } = [(SignalNames.LockWaitSeconds, SignalUnits.Seconds)];

    public async Task<IReadOnlyList<SignalReading>> ReadAsync(CancellationToken ct)
    {
        var rows = await _primary.QueryAsync(Sql,
            r => (Pid: r.GetInt32(0), App: r.GetString(1), Blocker: r.GetInt32(2), BlockerApp: r.GetString(3), Waited: r.GetDouble(4), Query: r.GetString(5)),
            ct, LongTransactionSignal.LikePrefix(_ownPrefix)).ConfigureAwait(false);
        if (rows.Count == 0)
            return [new SignalReading(SignalNames.LockWaitSeconds, "", 0, SignalUnits.Seconds, "no session waits behind Switchyard")];
        return [.. rows.Select(r => new SignalReading(SignalNames.LockWaitSeconds, $"pid {r.Pid} ({r.App})", r.Waited, SignalUnits.Seconds,
            $"waits for pid {r.Blocker} ({r.BlockerApp}): {r.Query}"))];
    }
}
