namespace Switchyard.Compat.Latency;

/// <summary>
/// In-process latencies of the application's own operations since the last publish, for the backfill's latency-SLO
/// controller. Record what a user waits for (queueing and lock waits included); leave out batch jobs and reports,
/// whose latency is not the one the SLO protects. Beyond <c>capacity</c> per interval it keeps a uniform sample
/// (reservoir sampling), so a busy instance costs bounded memory and one bounded row per interval.
/// </summary>
public sealed class LatencyFeed
{
    private readonly object _gate = new();
    private readonly int _capacity;
    private readonly Random _random;
    private int[] _samples;
    private int _kept;
    private long _seen;

    /// <param name="capacity">Latencies kept per interval; above it each one is kept with probability capacity/seen.</param>
    /// <param name="seed">Seed of the sampling, for reproducible tests; null picks one.</param>
    public LatencyFeed(int capacity = 4096, int? seed = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _samples = new int[capacity];
        _random = seed is { } s ? new Random(s) : new Random();
    }

    public void Record(TimeSpan latency)
    {
        var micros = (int)Math.Clamp(latency.TotalMicroseconds, 1, int.MaxValue);
        lock (_gate)
        {
            _seen++;
            if (_kept < _capacity)
            {
                _samples[_kept++] = micros;
                return;
            }
            var slot = _random.NextInt64(_seen);
            if (slot < _capacity) _samples[slot] = micros;
        }
    }

    /// <summary>Takes the interval's operations and kept latencies and starts a new interval.</summary>
    public (long Operations, int[] SamplesMicros) Drain()
    {
        lock (_gate)
        {
            var taken = (_seen, _samples[.._kept]);
            _seen = 0;
            _kept = 0;
            return taken;
        }
    }
}
