namespace Switchyard.Samples.Ledger.Workload;

/// <summary>Collects every completed operation into its phase, its second of the timeline and the error list.</summary>
internal sealed class WorkloadRecorder
{
    private readonly object _gate = new();
    private readonly List<PhaseSegment> _segments = [];
    private readonly List<WorkloadMark> _marks = [];
    private readonly Dictionary<OperationKind, List<string>> _errors = [];
    private readonly SortedDictionary<int, Second> _timeline = [];
    private readonly int _errorsKept;
    private long _startedLate;
    private TimeSpan _maxStartLag;

    public WorkloadRecorder(string initialPhase, int errorsKept)
    {
        _errorsKept = errorsKept;
        _segments.Add(new PhaseSegment(initialPhase, TimeSpan.Zero));
        _marks.Add(new WorkloadMark(initialPhase, 0, IsPhase: true));
    }

    public void MarkPhase(string name, TimeSpan at)
    {
        lock (_gate)
        {
            _segments[^1].End = at;
            _segments.Add(new PhaseSegment(name, at));
            _marks.Add(new WorkloadMark(name, Math.Round(at.TotalSeconds, 3), IsPhase: true));
        }
    }

    public void MarkEvent(string name, TimeSpan at)
    {
        lock (_gate) _marks.Add(new WorkloadMark(name, Math.Round(at.TotalSeconds, 3), IsPhase: false));
    }

    public void StartLag(TimeSpan lag, TimeSpan tolerance)
    {
        if (lag <= tolerance) return;
        lock (_gate)
        {
            _startedLate++;
            if (lag > _maxStartLag) _maxStartLag = lag;
        }
    }

    /// <param name="intended">When the operation was due, from the start of the run: it decides the phase and the second.</param>
    public void Record(OperationKind kind, string? version, TimeSpan intended, TimeSpan latency, OperationOutcome outcome, string? error)
    {
        lock (_gate)
        {
            // Phases are few; the newest ones are the likely match.
            var index = _segments.Count - 1;
            while (index > 0 && intended < _segments[index].Start) index--;
            _segments[index].Record(kind, version, latency, outcome);

            var at = (int)intended.TotalSeconds;
            if (!_timeline.TryGetValue(at, out var second)) _timeline[at] = second = new Second();
            second.Operations++;
            if (outcome == OperationOutcome.Failed) second.Failed++;
            second.Latency.Record(latency);
            if (kind != OperationKind.RegulatoryReport) second.Payments.Record(latency);
            else second.ReportMaxMs = Math.Max(second.ReportMaxMs ?? 0, Math.Round(latency.TotalMilliseconds, 3));

            if (error is not null)
            {
                if (!_errors.TryGetValue(kind, out var list)) _errors[kind] = list = [];
                if (list.Count < _errorsKept) list.Add(error);
            }
        }
    }

    public WorkloadReport Report(WorkloadOptions options, TimeSpan elapsed)
    {
        lock (_gate)
        {
            var segments = _segments.Select(s => s.Copy()).ToList();
            segments[^1].End ??= elapsed;
            var errors = _errors.ToDictionary(e => e.Key, e => e.Value.ToList());
            var timeline = _timeline.Select(t =>
            {
                var s = t.Value.Latency.Summary();
                var payments = t.Value.Payments.Summary();
                return new TimelinePoint(t.Key, t.Value.Operations, t.Value.Failed, s.P99Ms, s.MaxMs)
                {
                    PaymentsP99Ms = payments.P99Ms,
                    PaymentsMaxMs = payments.MaxMs,
                    RegulatoryReportMaxMs = t.Value.ReportMaxMs,
                };
            }).ToList();
            return new WorkloadReport(options, elapsed, segments, errors, timeline, [.. _marks], _startedLate, _maxStartLag);
        }
    }

    private sealed class Second
    {
        public long Operations { get; set; }
        public long Failed { get; set; }

        // Two significant digits: 1% precision is plenty for a per-second chart, at a tenth of the memory.
        public LatencyRecorder Latency { get; } = new(TimeSpan.FromMinutes(10), significantDigits: 2);

        /// <summary>Every operation but the regulatory report, which would otherwise be every spike of the chart.</summary>
        public LatencyRecorder Payments { get; } = new(TimeSpan.FromMinutes(10), significantDigits: 2);

        public double? ReportMaxMs { get; set; }
    }
}
