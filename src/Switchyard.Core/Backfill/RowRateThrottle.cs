namespace Switchyard.Core.Backfill;

/// <summary>
/// Holds the backfill to a rows/s budget across all workers: before a batch, if the rows done so far are ahead of
/// budget × elapsed, the batch waits until they are not.
/// </summary>
public sealed class RowRateThrottle : IBackfillThrottle
{
    private readonly double _rowsPerSecond;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private long? _start;
    private long _rowsAtStart;

    public RowRateThrottle(double rowsPerSecond, TimeProvider? time = null)
    {
        if (rowsPerSecond <= 0 || double.IsNaN(rowsPerSecond))
            throw new SwitchyardException($"the backfill rows/s limit must be positive, got {rowsPerSecond}.", "Pass --max-rows-per-second 50000, or omit it for no limit.");
        _rowsPerSecond = rowsPerSecond;
        _time = time ?? TimeProvider.System;
    }

    public ValueTask<ThrottleDecision> BeforeBatchAsync(BatchContext batch, CancellationToken ct)
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            if (_start is null)
            {
                // Rows done by an earlier run do not count against this run's budget.
                _start = now;
                _rowsAtStart = batch.RowsDone;
            }
            var allowed = _time.GetElapsedTime(_start.Value, now).TotalSeconds * _rowsPerSecond;
            var ahead = batch.RowsDone - _rowsAtStart - allowed;
            if (ahead <= 0) return ValueTask.FromResult(ThrottleDecision.Proceed);
            var wait = TimeSpan.FromSeconds(ahead / _rowsPerSecond);
            return ValueTask.FromResult(new ThrottleDecision(ThrottleAction.Slow, wait, $"rows/s limit {_rowsPerSecond:F0}", "rows_per_second"));
        }
    }
}
