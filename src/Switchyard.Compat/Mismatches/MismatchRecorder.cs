using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Switchyard.Compat.Mismatches;

/// <summary>
/// In-process shadow-read counters per flag: reads, mismatches, errors and a bounded set of sample keys. Also
/// published as <see cref="System.Diagnostics.Metrics"/> counters on meter <c>Switchyard.Compat</c>, and to the
/// database by <see cref="MismatchPublisher"/> for the guards.
/// </summary>
public sealed class MismatchRecorder : IDisposable
{
    public const string MeterName = "Switchyard.Compat";

    private readonly ConcurrentDictionary<string, FlagCounters> _counters = new(StringComparer.Ordinal);
    private readonly int _sampleKeys;
    private readonly Meter _meter;
    private readonly Counter<long> _readsCounter;
    private readonly Counter<long> _mismatchCounter;
    private readonly Counter<long> _errorCounter;

    /// <param name="sampleKeys">How many recent mismatching keys to keep per flag.</param>
    public MismatchRecorder(int sampleKeys = 20)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleKeys, 1);
        _sampleKeys = sampleKeys;
        _meter = new Meter(MeterName);
        _readsCounter = _meter.CreateCounter<long>("switchyard.compat.shadow_reads", description: "Shadow reads compared");
        _mismatchCounter = _meter.CreateCounter<long>("switchyard.compat.shadow_mismatches", description: "Shadow reads whose new shape differed");
        _errorCounter = _meter.CreateCounter<long>("switchyard.compat.shadow_errors", description: "Shadow reads whose new shape failed");
    }

    /// <summary>Counts one comparison; a mismatch also keeps <paramref name="key"/> as a sample.</summary>
    public void Record(string flagKey, string key, bool matched)
    {
        var counters = _counters.GetOrAdd(flagKey, _ => new FlagCounters());
        Interlocked.Increment(ref counters.Reads);
        _readsCounter.Add(1, new TagList { { "flag_key", flagKey } });
        if (matched) return;
        Interlocked.Increment(ref counters.Mismatches);
        _mismatchCounter.Add(1, new TagList { { "flag_key", flagKey } });
        counters.AddSample(key, _sampleKeys);
    }

    /// <summary>Counts a shadow read whose new side failed: a read and an error (not a mismatch), keeping the key as a sample.</summary>
    public void RecordError(string flagKey, string key)
    {
        var counters = _counters.GetOrAdd(flagKey, _ => new FlagCounters());
        Interlocked.Increment(ref counters.Reads);
        Interlocked.Increment(ref counters.Errors);
        _readsCounter.Add(1, new TagList { { "flag_key", flagKey } });
        _errorCounter.Add(1, new TagList { { "flag_key", flagKey } });
        counters.AddSample(key, _sampleKeys);
    }

    public MismatchSnapshot Snapshot(string flagKey) =>
        _counters.TryGetValue(flagKey, out var c) ? c.Snapshot(flagKey) : new MismatchSnapshot(flagKey, 0, 0, 0, []);

    public IReadOnlyList<MismatchSnapshot> SnapshotAll() => [.. _counters.Select(kv => kv.Value.Snapshot(kv.Key))];

    public void Dispose() => _meter.Dispose();

    private sealed class FlagCounters
    {
        public long Reads;
        public long Mismatches;
        public long Errors;
        private readonly LinkedList<string> _samples = new();

        public void AddSample(string key, int capacity)
        {
            lock (_samples)
            {
                _samples.Remove(key);
                _samples.AddLast(key);
                while (_samples.Count > capacity) _samples.RemoveFirst();
            }
        }

        public MismatchSnapshot Snapshot(string flagKey)
        {
            string[] samples;
            lock (_samples) samples = [.. _samples];
            return new MismatchSnapshot(flagKey, Interlocked.Read(ref Reads), Interlocked.Read(ref Mismatches), Interlocked.Read(ref Errors), samples);
        }
    }
}
