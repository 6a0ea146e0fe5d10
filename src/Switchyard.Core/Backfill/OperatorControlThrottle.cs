using Switchyard.Core.Execution;

namespace Switchyard.Core.Backfill;

/// <summary>
/// The operator's pause and abort: reads the migration's row in <c>switchyard.control</c> (written by
/// <c>switchyard pause|resume|abort</c> from any terminal) at most every <see cref="RefreshInterval"/>.
/// </summary>
public sealed class OperatorControlThrottle : IBackfillThrottle
{
    private readonly SafeSqlRunner _sql;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _readAt;
    private ThrottleDecision _last = ThrottleDecision.Proceed;

    public OperatorControlThrottle(SafeSqlRunner sql, TimeProvider? time = null)
    {
        _sql = sql;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>How long one read of the control row is reused by all workers.</summary>
    /// <value>The default is 200 ms.</value>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a paused worker waits before reading the control row again.</summary>
    /// <value>The default is 500 ms.</value>
    public TimeSpan PausePoll { get; init; } = TimeSpan.FromMilliseconds(500);

    public async ValueTask<ThrottleDecision> BeforeBatchAsync(BatchContext batch, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_readAt != 0 && _time.GetElapsedTime(_readAt) < RefreshInterval) return _last;
            var rows = await _sql.QueryAsync("""
                SELECT c.paused, c.abort_requested, c.reason
                FROM switchyard.control c JOIN switchyard.migrations m ON m.id = c.migration_id
                WHERE m.name = $1
                """, r => (Paused: r.GetBoolean(0), Abort: r.GetBoolean(1), Reason: r.IsDBNull(2) ? null : r.GetString(2)), ct, batch.Migration).ConfigureAwait(false);
            _readAt = _time.GetTimestamp();
            _last = rows.Count == 0 ? ThrottleDecision.Proceed : rows[0] switch
            {
                { Abort: true } r => new ThrottleDecision(ThrottleAction.Abort, TimeSpan.Zero, "operator abort" + (r.Reason is null ? "" : ": " + r.Reason), "operator"),
                { Paused: true } r => new ThrottleDecision(ThrottleAction.Pause, PausePoll, "operator pause" + (r.Reason is null ? "" : ": " + r.Reason), "operator"),
                _ => ThrottleDecision.Proceed,
            };
            return _last;
        }
        finally
        {
            _gate.Release();
        }
    }
}
