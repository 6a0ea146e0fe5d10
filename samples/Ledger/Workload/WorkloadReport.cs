namespace Switchyard.Samples.Ledger.Workload;

/// <summary>What a workload run did: per operation type, per app version, per second and per phase.</summary>
public sealed class WorkloadReport
{
    private readonly IReadOnlyList<PhaseSegment> _segments;

    internal WorkloadReport(
        WorkloadOptions options, TimeSpan elapsed, IReadOnlyList<PhaseSegment> segments, IReadOnlyDictionary<OperationKind, List<string>> errors,
        IReadOnlyList<TimelinePoint> timeline, IReadOnlyList<WorkloadMark> marks, long startedLate, TimeSpan maxStartLag)
    {
        _segments = segments;
        TargetOperationsPerSecond = options.OperationsPerSecond;
        ElapsedSeconds = Math.Round(elapsed.TotalSeconds, 3);
        var all = PhaseSegment.Merge("all", segments);
        Operations = all.Operations(errors, options.ErrorsKept);
        Versions = all.Versions();
        TotalOperations = Operations.Sum(o => o.Count);
        TotalFailed = Operations.Sum(o => o.Failed);
        TotalRejected = Operations.Sum(o => o.Rejected);
        AchievedOperationsPerSecond = elapsed > TimeSpan.Zero ? Math.Round(TotalOperations / elapsed.TotalSeconds, 1) : 0;
        StartedLate = startedLate;
        MaxStartLagMs = Math.Round(maxStartLag.TotalMilliseconds, 3);
        Latency = all.Latency.Summary();
        Timeline = timeline;
        Marks = marks;
        Phases = [.. segments.Select(s => s.Stats(errors: null, 0))];
    }

    public double TargetOperationsPerSecond { get; }
    public double AchievedOperationsPerSecond { get; }
    public double ElapsedSeconds { get; }
    public long TotalOperations { get; }

    /// <summary>Operations that threw (including timeouts).</summary>
    public long TotalFailed { get; }

    /// <summary>Lifecycle steps the ledger refused because the row was not in the expected state.</summary>
    public long TotalRejected { get; }

    /// <summary>Operations that began later than the tolerance after their intended start (no free slot, or a busy scheduler).</summary>
    public long StartedLate { get; }

    public double MaxStartLagMs { get; }

    /// <summary>All operations together, measured from each one's intended start.</summary>
    public LatencySummary Latency { get; }

    public IReadOnlyList<OperationStats> Operations { get; }
    public IReadOnlyList<VersionStats> Versions { get; }
    public IReadOnlyList<TimelinePoint> Timeline { get; }
    public IReadOnlyList<WorkloadMark> Marks { get; }
    public IReadOnlyList<PhaseStats> Phases { get; }

    /// <summary>One operation type's figures.</summary>
    public OperationStats this[OperationKind kind] => Operations.Single(o => o.Kind == kind);

    /// <summary>
    /// Operations whose intended start lies between the phase mark <paramref name="from"/> and the next phase mark
    /// named <paramref name="to"/> (or the end of the run when null).
    /// </summary>
    public PhaseStats Between(string from, string? to = null)
    {
        var first = IndexOf(from, 0);
        var last = to is null ? _segments.Count : IndexOf(to, first + 1);
        if (last <= first)
            throw new Core.SwitchyardException($"Phase mark '{to}' does not come after '{from}'.", "Name two phase marks in the order they were set.");
        var merged = PhaseSegment.Merge(to is null ? from : $"{from} → {to}", _segments.Skip(first).Take(last - first));
        return merged.Stats(errors: null, 0);
    }

    /// <summary>Operations in every phase mark named in <paramref name="phases"/>, taken together even when they are not adjacent.</summary>
    public PhaseStats Union(string name, params string[] phases)
    {
        var segments = _segments.Where(s => phases.Contains(s.Name, StringComparer.Ordinal)).ToList();
        if (segments.Count == 0)
            throw new Core.SwitchyardException($"No phase mark named {string.Join(" or ", phases.Select(p => $"'{p}'"))} in this workload run.",
                $"Phase marks set: {string.Join(", ", _segments.Select(s => s.Name))}.");
        return PhaseSegment.Merge(name, segments).Stats(errors: null, 0);
    }

    private int IndexOf(string name, int startAt)
    {
        for (var i = startAt; i < _segments.Count; i++)
        {
            if (_segments[i].Name == name) return i;
        }
        throw new Core.SwitchyardException($"No phase mark named '{name}' in this workload run.",
            $"Phase marks set: {string.Join(", ", _segments.Select(s => s.Name))}.");
    }
}

/// <summary>One operation type's counts and latency (milliseconds, from the intended start).</summary>
/// <param name="Count">Operations completed: succeeded, failed or rejected.</param>
/// <param name="Errors">The first error messages, in order.</param>
public sealed record OperationStats(
    OperationKind Kind, long Count, long Failed, long Rejected, double P50Ms, double P95Ms, double P99Ms, double P999Ms, double MaxMs,
    double MeanMs, IReadOnlyList<string> Errors)
{
    public long Succeeded => Count - Failed - Rejected;
}

/// <summary>Operations one app version ran.</summary>
public sealed record VersionStats(string Version, long Operations, long Failed, long Rejected);

/// <summary>One second of the run, by intended start time (P99Ms and MaxMs over every operation, the regulatory report included).</summary>
public sealed record TimelinePoint(int Second, long Operations, long Failed, double P99Ms, double MaxMs)
{
    /// <summary>p99 of every operation but the regulatory report (0 when none).</summary>
    public double PaymentsP99Ms { get; init; }

    public double PaymentsMaxMs { get; init; }

    /// <summary>The slowest regulatory report due in this second; null when none was.</summary>
    public double? RegulatoryReportMaxMs { get; init; }
}

/// <summary>A point the caller marked: a phase boundary (starts a band) or an event (e.g. an injected fault).</summary>
public sealed record WorkloadMark(string Name, double AtSeconds, bool IsPhase);

/// <summary>The figures of one phase, or of a span of phases.</summary>
public sealed record PhaseStats(
    string Name, double StartSeconds, double EndSeconds, long Operations, long Failed, long Rejected, LatencySummary Latency,
    IReadOnlyList<OperationStats> ByOperation, IReadOnlyList<VersionStats> Versions)
{
    public OperationStats this[OperationKind kind] => ByOperation.Single(o => o.Kind == kind);

    /// <summary>Every operation but the regulatory report (which reads the whole ledger and runs on its own interval).</summary>
    public LatencySummary PaymentsLatency { get; init; } = LatencySummary.Empty;

    public VersionStats? Version(string version) => Versions.SingleOrDefault(v => v.Version == version);
}
