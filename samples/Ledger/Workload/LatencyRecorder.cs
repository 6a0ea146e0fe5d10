using HdrHistogram;

namespace Switchyard.Samples.Ledger.Workload;

/// <summary>
/// A thread-safe latency histogram in microseconds (HdrHistogram), for the workload, the backfill's <c>--with-load</c>
/// bench and the demo. Values above the trackable range are clamped to it, so one pathological stall never throws.
/// </summary>
public sealed class LatencyRecorder
{
    private readonly object _gate = new();
    private readonly LongHistogram _histogram;
    private long _clamped;

    /// <param name="highest">Largest latency tracked exactly; the default is one hour.</param>
    /// <param name="significantDigits">Value precision; 3 gives 0.1% error, 2 gives 1% at a tenth of the memory.</param>
    public LatencyRecorder(TimeSpan? highest = null, int significantDigits = 3)
    {
        var highestMicros = (long)(highest ?? TimeSpan.FromHours(1)).TotalMicroseconds;
        _histogram = new LongHistogram(1, Math.Max(2, highestMicros), significantDigits);
    }

    /// <summary>Latencies recorded so far.</summary>
    public long Count
    {
        get { lock (_gate) return _histogram.TotalCount; }
    }

    public void Record(TimeSpan latency) => RecordMicroseconds((long)latency.TotalMicroseconds);

    public void RecordMicroseconds(long micros)
    {
        lock (_gate)
        {
            var highest = _histogram.HighestTrackableValue;
            if (micros > highest) _clamped++;
            _histogram.RecordValue(Math.Clamp(micros, 1, highest));
        }
    }

    /// <summary>Adds every value of <paramref name="other"/> (e.g. per-phase recorders into a total).</summary>
    public void Add(LatencyRecorder other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(this, other)) throw new ArgumentException("A recorder cannot add itself.", nameof(other));
        LongHistogram copy;
        long clamped;
        lock (other._gate)
        {
            copy = (LongHistogram)other._histogram.Copy();
            clamped = other._clamped;
        }
        lock (_gate)
        {
            _histogram.Add(copy);
            _clamped += clamped;
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _histogram.Reset();
            _clamped = 0;
        }
    }

    /// <summary>Count, percentiles and max, in milliseconds.</summary>
    public LatencySummary Summary()
    {
        lock (_gate)
        {
            if (_histogram.TotalCount == 0) return LatencySummary.Empty;
            return new LatencySummary(
                _histogram.TotalCount,
                Millis(_histogram.GetMean()),
                Millis(_histogram.GetValueAtPercentile(50)),
                Millis(_histogram.GetValueAtPercentile(95)),
                Millis(_histogram.GetValueAtPercentile(99)),
                Millis(_histogram.GetValueAtPercentile(99.9)),
                Millis(_histogram.GetMaxValue()),
                _clamped);
        }
    }

    private static double Millis(double micros) => Math.Round(micros / 1000.0, 3);
}

/// <summary>Latency percentiles in milliseconds (microsecond resolution).</summary>
/// <param name="Clamped">Values above the recorder's range, counted at its top.</param>
public sealed record LatencySummary(long Count, double MeanMs, double P50Ms, double P95Ms, double P99Ms, double P999Ms, double MaxMs, long Clamped)
{
    public static readonly LatencySummary Empty = new(0, 0, 0, 0, 0, 0, 0, 0);
}
