namespace Switchyard.Core.Backfill;

/// <summary>
/// Sizes batches by time, not rows: grows when a batch ran faster than the target, shrinks when slower, halves on a
/// statement timeout. Steps are bounded (×0.5..×2) and smoothed so one noisy batch does not swing the size.
/// </summary>
public sealed class BatchSizer
{
    private readonly BackfillOptions _options;

    public BatchSizer(BackfillOptions options, long? start = null)
    {
        _options = options;
        Keys = Math.Clamp(start ?? options.InitialBatchKeys, options.MinBatchKeys, options.MaxBatchKeys);
    }

    /// <summary>Key width of the next batch.</summary>
    public long Keys { get; private set; }

    /// <summary>Learns from one committed batch of <paramref name="keys"/> keys that took <paramref name="elapsed"/>.</summary>
    /// <param name="target">The batch time to aim at now, when a throttle asks for shorter ones; else the configured target.</param>
    public void Observe(long keys, TimeSpan elapsed, TimeSpan? target = null)
    {
        if (keys <= 0) return;
        var ms = Math.Max(elapsed.TotalMilliseconds, 0.5);
        var ideal = keys * ((target ?? _options.TargetBatchTime).TotalMilliseconds / ms);
        // Geometric mean of the current size and the ideal one, within one doubling or halving per batch.
        var next = Math.Sqrt(Keys * Math.Clamp(ideal, Keys * 0.25, Keys * 4.0));
        Keys = Math.Clamp((long)Math.Round(next), _options.MinBatchKeys, _options.MaxBatchKeys);
    }

    /// <summary>A statement timeout: halve. Returns false when already at the minimum (splitting cannot help).</summary>
    public bool Split()
    {
        if (Keys <= _options.MinBatchKeys) return false;
        Keys = Math.Max(_options.MinBatchKeys, Keys / 2);
        return true;
    }
}
