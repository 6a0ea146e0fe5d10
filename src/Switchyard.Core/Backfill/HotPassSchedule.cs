namespace Switchyard.Core.Backfill;

/// <summary>A half-open key window [From, To).</summary>
internal readonly record struct KeyWindow(long From, long To)
{
    public static readonly KeyWindow Empty = new(0, 0);

    public bool IsEmpty => To <= From;
    public long Width => Math.Max(0, To - From);
}

/// <summary>One early pass over a window: only its keys with <c>key % passes = Residue</c>.</summary>
internal readonly record struct PassWindow(KeyWindow Window, int Residue);

/// <summary>
/// What one batch touches: the trail window completes (every row still to do), the lead window gets its first pass
/// (residue 0) and each window in between gets its next pass.
/// </summary>
internal sealed record BatchWindows(KeyWindow Trail, KeyWindow Lead, IReadOnlyList<PassWindow> Passes)
{
    /// <summary>The smallest window holding everything the batch touches (for reports and unmapped scans).</summary>
    public KeyWindow Span
    {
        get
        {
            var windows = Passes.Select(p => p.Window).Append(Trail).Append(Lead).Where(w => !w.IsEmpty).ToList();
            return windows.Count == 0 ? new KeyWindow(Trail.From, Trail.From) : new KeyWindow(windows.Min(w => w.From), windows.Max(w => w.To));
        }
    }

    /// <summary>
    /// The same batch made smaller after a statement timeout: the early passes are dropped (they only save work), then
    /// the lead and then the trail are halved. Null when both are already at <paramref name="minKeys"/> and no pass is left to drop.
    /// </summary>
    public BatchWindows? Split(long minKeys)
    {
        if (Lead.Width > minKeys) return new BatchWindows(Trail, new KeyWindow(Lead.From, Lead.From + Math.Max(minKeys, Lead.Width / 2)), []);
        if (Trail.Width > minKeys) return new BatchWindows(new KeyWindow(Trail.From, Trail.From + Math.Max(minKeys, Trail.Width / 2)), Lead, []);
        return Passes.Count > 0 ? this with { Passes = [] } : null;
    }
}

/// <summary>
/// The order in which one worker updates its key range so that most updates are heap-only (HOT). After a bulk load
/// every page is full, so an UPDATE must put the new row version on another page and insert it into every index.
/// Here each window is visited <c>passes</c> times, <c>lag</c> batches apart: the first visit moves the keys with
/// <c>key % passes = 0</c> off their pages; once that commits, pruning frees their space when the next visit reads the
/// page, and the keys with residue 1 update in place, and so on; the last visit (the trail) completes the window and
/// moves the range's committed cursor. Only about 1/passes of the rows then pay for index insertions.
/// </summary>
internal sealed class HotPassSchedule
{
    private readonly long _to;
    private readonly int _passes;
    private readonly int _lag;
    private readonly List<(KeyWindow Window, long Opened)> _pending = []; // first pass done, oldest first, contiguous from the cursor
    private long _lead;
    private long _batch;

    /// <param name="from">The range's committed cursor: every key below it is complete.</param>
    /// <param name="to">The range's end (exclusive).</param>
    /// <param name="passes">Visits per window; 1 (or <paramref name="lag"/> 0) updates each window once.</param>
    /// <param name="lag">Batches between two visits of a window, so a visit's old row versions are dead to every
    /// snapshot (the other workers' included) by the next one.</param>
    public HotPassSchedule(long from, long to, int passes, int lag)
    {
        Cursor = from;
        _lead = from;
        _to = to;
        _passes = lag == 0 ? 1 : Math.Max(1, passes);
        _lag = Math.Max(1, lag);
    }

    /// <summary>Every key below is complete, committed with the last batch.</summary>
    public long Cursor { get; private set; }

    public bool Done => Cursor >= _to;

    /// <summary>The next batch, with new windows <paramref name="keys"/> wide.</summary>
    public BatchWindows Next(long keys)
    {
        if (_passes == 1) return new BatchWindows(new KeyWindow(Cursor, Math.Min(_to, Cursor + keys)), new KeyWindow(Cursor, Cursor), []);
        var lead = _lead < _to ? new KeyWindow(_lead, Math.Min(_to, _lead + keys)) : new KeyWindow(_lead, _lead);
        var trailDue = _pending.Count > 0 && _batch - _pending[0].Opened >= (long)(_passes - 1) * _lag;
        var trail = trailDue ? _pending[0].Window : new KeyWindow(Cursor, Cursor);
        var passes = new List<PassWindow>();
        foreach (var (window, opened) in trailDue ? _pending.Skip(1) : _pending)
        {
            var age = _batch - opened;
            if (age % _lag == 0 && age / _lag is >= 1 and var visit && visit <= _passes - 2) passes.Add(new PassWindow(window, (int)visit));
        }
        return new BatchWindows(trail, lead, passes);
    }

    /// <summary>Records a committed batch (possibly a <see cref="BatchWindows.Split"/> of the proposed one).</summary>
    public void Committed(BatchWindows batch)
    {
        if (!batch.Trail.IsEmpty)
        {
            Cursor = batch.Trail.To;
            if (_pending.Count > 0)
            {
                var (window, opened) = _pending[0];
                if (window.To <= batch.Trail.To) _pending.RemoveAt(0);
                else _pending[0] = (new KeyWindow(batch.Trail.To, window.To), opened);
            }
        }
        if (_passes > 1 && !batch.Lead.IsEmpty)
        {
            _pending.Add((batch.Lead, _batch));
            _lead = batch.Lead.To;
        }
        _batch++;
    }
}
