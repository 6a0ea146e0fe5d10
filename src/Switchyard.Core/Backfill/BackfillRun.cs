namespace Switchyard.Core.Backfill;

/// <summary>What the workers of one run share: counters, batch samples, per-worker positions and the first stop reason.</summary>
internal sealed class BackfillRun
{
    private readonly object _gate = new();
    private readonly List<(long Rows, long Keys, double Ms)> _batches = [];
    private readonly Dictionary<int, WorkerProgress> _workers = [];
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly long _keysAtStart;
    private long _rowsThisRun;
    private long _keysThisRun;
    private long _retries;
    private long _splits;
    private long _throttleWaits;
    private BackfillOutcome? _stop;

    public BackfillRun(string migration, string journalKey, BackfillPlan plan, TimeProvider time)
    {
        Migration = migration;
        JournalKey = journalKey;
        Plan = plan;
        _time = time;
        _started = time.GetTimestamp();
        RowsBefore = plan.Ranges.Sum(r => r.RowsUpdated);
        _keysAtStart = plan.Ranges.Sum(r => r.Next - r.From);
        foreach (var r in plan.Ranges)
            _workers[r.RangeNo] = new WorkerProgress(r.RangeNo, r.From, r.To, r.Next, r.Done, r.RowsUpdated, r.Batches, 0, r.Done ? "done" : "pending") { Partition = r.Partition?.ToString() };
    }

    /// <summary>The migration's name: what operator control, guards and metrics know it by.</summary>
    public string Migration { get; }

    /// <summary>The run's key in the backfill tables (see <see cref="BackfillRequest.JournalKey"/>).</summary>
    public string JournalKey { get; }
    public BackfillPlan Plan { get; }
    public long RowsBefore { get; }
    public long RowsDone => RowsBefore + Interlocked.Read(ref _rowsThisRun);
    public TimeSpan Elapsed => _time.GetElapsedTime(_started);
    public long Retries => Interlocked.Read(ref _retries);
    public bool Stopping { get { lock (_gate) return _stop is not null; } }
    public BackfillOutcome? StopOutcome { get { lock (_gate) return _stop; } }

    public double RowsPerSecond
    {
        get
        {
            var s = Elapsed.TotalSeconds;
            return s > 0 ? Interlocked.Read(ref _rowsThisRun) / s : 0;
        }
    }

    public void Retried() => Interlocked.Increment(ref _retries);
    public void SplitBatch() => Interlocked.Increment(ref _splits);
    public void ThrottleWaited() => Interlocked.Increment(ref _throttleWaits);

    /// <summary>The first stop wins; later ones (another worker hitting the same cause) are ignored.</summary>
    public void Stop(BackfillOutcome outcome)
    {
        lock (_gate) _stop ??= outcome;
    }

    public void Committed(int worker, long from, long to, long rows, long width, TimeSpan elapsed, long nextBatchKeys)
    {
        Interlocked.Add(ref _rowsThisRun, rows);
        Interlocked.Add(ref _keysThisRun, to - from);
        lock (_gate)
        {
            _batches.Add((rows, width, elapsed.TotalMilliseconds));
            var w = _workers[worker];
            _workers[worker] = w with
            {
                NextKey = Math.Max(w.NextKey, to), Done = to >= w.ToKey, RowsUpdated = w.RowsUpdated + rows, Batches = w.Batches + 1,
                CurrentBatchKeys = nextBatchKeys, State = to >= w.ToKey ? "done" : "running",
            };
        }
    }

    public void WorkerState(int worker, string state)
    {
        lock (_gate) _workers[worker] = _workers[worker] with { State = state };
    }

    public BackfillProgress Snapshot(string state, string? reason)
    {
        lock (_gate)
        {
            var keysTotal = Plan.Ranges.Sum(r => r.To - r.From);
            var workers = _workers.Values.OrderBy(w => w.Worker).ToList();
            var keysDone = workers.Sum(w => w.KeysDone);
            var keysRate = Elapsed.TotalSeconds > 0 ? (keysDone - _keysAtStart) / Elapsed.TotalSeconds : 0;
            TimeSpan? eta = keysRate > 0 ? TimeSpan.FromSeconds((keysTotal - keysDone) / keysRate) : null;
            return new BackfillProgress(Migration, state, reason, RowsDone, Plan.RowsEstimated, keysDone, keysTotal, RowsPerSecond, eta, workers);
        }
    }

    public BackfillStats Stats(IReadOnlyList<string> warnings)
    {
        lock (_gate)
        {
            return new BackfillStats(RowsDone, _batches.Count, Retries, Interlocked.Read(ref _splits), Interlocked.Read(ref _throttleWaits),
                Median(_batches.Select(b => (double)b.Rows)) is var r ? (long)r : 0,
                (long)Median(_batches.Select(b => (double)b.Keys)),
                Median(_batches.Select(b => b.Ms)),
                Plan.Ranges.Count, Elapsed, warnings);
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return 0;
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
