namespace Switchyard.Samples.Ledger.Workload;

/// <summary>The counters of one phase (between two phase marks). Not thread-safe: <see cref="WorkloadRecorder"/> locks.</summary>
internal sealed class PhaseSegment
{
    private readonly Dictionary<OperationKind, KindCounters> _kinds = [];
    private readonly Dictionary<string, long[]> _versions = new(StringComparer.Ordinal);

    public PhaseSegment(string name, TimeSpan start)
    {
        Name = name;
        Start = start;
        foreach (var kind in Enum.GetValues<OperationKind>()) _kinds[kind] = new KindCounters();
    }

    public string Name { get; }
    public TimeSpan Start { get; }
    public TimeSpan? End { get; set; }
    public LatencyRecorder Latency { get; } = new();

    /// <summary>Every operation but the regulatory report: a whole-ledger aggregate would hide how fast a payment was.</summary>
    public LatencyRecorder PaymentsLatency { get; } = new();

    public void Record(OperationKind kind, string? version, TimeSpan latency, OperationOutcome outcome)
    {
        var counters = _kinds[kind];
        counters.Latency.Record(latency);
        Latency.Record(latency);
        if (kind != OperationKind.RegulatoryReport) PaymentsLatency.Record(latency);
        if (outcome == OperationOutcome.Failed) counters.Failed++;
        if (outcome == OperationOutcome.Rejected) counters.Rejected++;
        if (version is null) return;
        if (!_versions.TryGetValue(version, out var v)) _versions[version] = v = new long[3];
        v[0]++;
        if (outcome == OperationOutcome.Failed) v[1]++;
        if (outcome == OperationOutcome.Rejected) v[2]++;
    }

    public static PhaseSegment Merge(string name, IEnumerable<PhaseSegment> segments)
    {
        PhaseSegment? merged = null;
        foreach (var s in segments)
        {
            merged ??= new PhaseSegment(name, s.Start);
            merged.End = s.End;
            merged.Latency.Add(s.Latency);
            merged.PaymentsLatency.Add(s.PaymentsLatency);
            foreach (var (kind, counters) in s._kinds)
            {
                var into = merged._kinds[kind];
                into.Latency.Add(counters.Latency);
                into.Failed += counters.Failed;
                into.Rejected += counters.Rejected;
            }
            foreach (var (version, counts) in s._versions)
            {
                if (!merged._versions.TryGetValue(version, out var v)) merged._versions[version] = v = new long[3];
                for (var i = 0; i < 3; i++) v[i] += counts[i];
            }
        }
        return merged ?? new PhaseSegment(name, TimeSpan.Zero);
    }

    public IReadOnlyList<OperationStats> Operations(IReadOnlyDictionary<OperationKind, List<string>>? errors, int errorsKept) =>
    [
        .. _kinds.Select(k =>
        {
            var s = k.Value.Latency.Summary();
            IReadOnlyList<string> kept = errors is not null && errors.TryGetValue(k.Key, out var e) ? [.. e.Take(errorsKept)] : [];
            return new OperationStats(k.Key, s.Count, k.Value.Failed, k.Value.Rejected, s.P50Ms, s.P95Ms, s.P99Ms, s.P999Ms, s.MaxMs, s.MeanMs, kept);
        }),
    ];

    public IReadOnlyList<VersionStats> Versions() =>
        [.. _versions.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => new VersionStats(v.Key, v.Value[0], v.Value[1], v.Value[2]))];

    public PhaseStats Stats(IReadOnlyDictionary<OperationKind, List<string>>? errors, int errorsKept)
    {
        var operations = Operations(errors, errorsKept);
        return new PhaseStats(Name, Math.Round(Start.TotalSeconds, 3), Math.Round((End ?? Start).TotalSeconds, 3),
            operations.Sum(o => o.Count), operations.Sum(o => o.Failed), operations.Sum(o => o.Rejected), Latency.Summary(), operations, Versions())
        {
            PaymentsLatency = PaymentsLatency.Summary(),
        };
    }

    /// <summary>A deep copy, so a report taken mid-run does not move under its reader.</summary>
    public PhaseSegment Copy() => Merge(Name, [this]);

    private sealed class KindCounters
    {
        public LatencyRecorder Latency { get; } = new();
        public long Failed { get; set; }
        public long Rejected { get; set; }
    }
}

/// <summary>How one operation ended.</summary>
internal enum OperationOutcome
{
    Succeeded,

    /// <summary>The app's guarded update found the row in another state and changed nothing.</summary>
    Rejected,

    Failed,
}
