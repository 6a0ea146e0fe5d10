using Switchyard.Core.Backfill;

namespace Switchyard.Core.Fleet;

/// <summary>
/// One rows/s budget for the whole fleet, split evenly across the shards whose backfill is running: when a shard
/// finishes (or stops), the others get its share. Each shard asks through its own <see cref="Share"/> throttle.
/// </summary>
public sealed class FleetRowBudget
{
    private readonly double _rowsPerSecond;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private readonly Dictionary<string, ShareState> _running = new(StringComparer.Ordinal);

    public FleetRowBudget(double rowsPerSecond, TimeProvider? time = null)
    {
        if (rowsPerSecond <= 0 || double.IsNaN(rowsPerSecond))
            throw new SwitchyardException($"the fleet's rows/s budget must be positive, got {rowsPerSecond}.", "Pass --max-rows-per-second 50000, or omit it for no limit.");
        _rowsPerSecond = rowsPerSecond;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The rows/s one running shard may use now.</summary>
    public double PerShard
    {
        get
        {
            lock (_gate) return _rowsPerSecond / Math.Max(1, _running.Count);
        }
    }

    /// <summary>The throttle the named shard's backfill asks before each batch; it joins the split on its first batch.</summary>
    public IBackfillThrottle Share(string shard) => new ShareThrottle(this, shard);

    /// <summary>The shard's backfill is over (done, failed or paused): its share goes to the others.</summary>
    public void Leave(string shard)
    {
        lock (_gate) _running.Remove(shard);
    }

    private ThrottleDecision Ask(string shard, long rowsDone)
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            if (!_running.TryGetValue(shard, out var state))
            {
                // Rows done by an earlier run do not count against this run's budget.
                _running[shard] = new ShareState(now, rowsDone, 0);
                return ThrottleDecision.Proceed;
            }
            // Credit accrues at the share of the moment, so a shard that is left alone speeds up at once.
            var rate = _rowsPerSecond / _running.Count;
            var credit = state.Credit + _time.GetElapsedTime(state.At, now).TotalSeconds * rate - (rowsDone - state.RowsDone);
            // Credit not spent while a shard idles is not banked beyond one second of its share.
            credit = Math.Min(credit, rate);
            _running[shard] = new ShareState(now, rowsDone, credit);
            if (credit >= 0) return ThrottleDecision.Proceed;
            return new ThrottleDecision(ThrottleAction.Slow, TimeSpan.FromSeconds(-credit / rate),
                FormattableString.Invariant($"fleet rows/s budget {_rowsPerSecond:F0} split across {_running.Count} shard(s)"), "fleet_rows_per_second");
        }
    }

    private sealed record ShareState(long At, long RowsDone, double Credit);

    private sealed class ShareThrottle(FleetRowBudget budget, string shard) : IBackfillThrottle
    {
        public ValueTask<ThrottleDecision> BeforeBatchAsync(BatchContext batch, CancellationToken ct) =>
            ValueTask.FromResult(budget.Ask(shard, batch.RowsDone));
    }
}
