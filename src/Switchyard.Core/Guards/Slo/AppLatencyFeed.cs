using System.Globalization;
using Npgsql;
using Switchyard.Core.Execution;
using Switchyard.Core.Journal;

namespace Switchyard.Core.Guards.Slo;

/// <summary>
/// The p99 of the application's own operations, as its instances publish them through Switchyard.Compat's latency
/// feed into <c>switchyard.compat_latency</c>: what payments see, lock waits and queueing included, which a canary
/// probe on its own table cannot. Each sample reads the operations published since the previous one, so a rate cut is
/// judged on latencies after it, not on the window that caused it.
/// </summary>
public sealed class AppLatencyFeed : IForegroundLatency
{
    private const string ActiveSql = "SELECT to_regclass('switchyard.compat_latency') IS NOT NULL";

    // $1: only rows published after this; $2: and within this many seconds; $3: rows after this are new to the
    // error budget; $4: the SLO in microseconds; $5: and at or before this (null: up to now).
    private const string P99Sql = """
        SELECT (percentile_disc(0.99) WITHIN GROUP (ORDER BY s.us))::float8 / 1000, count(s.us), max(l.published_at),
               count(s.us) FILTER (WHERE l.published_at > $3), count(s.us) FILTER (WHERE l.published_at > $3 AND s.us > $4)
        FROM switchyard.compat_latency l, unnest(l.samples_us) AS s(us)
        WHERE l.published_at > $1 AND l.published_at > clock_timestamp() - make_interval(secs => $2)
          AND ($5::timestamptz IS NULL OR l.published_at <= $5)
        """;

    private readonly SafeSqlRunner _runner;
    private readonly AppLatencyOptions _options;
    private DateTime _readUpTo = DateTime.MinValue;
    private ForegroundBaseline? _baseline;
    private FeedWindow? _baselineWindow;

    public AppLatencyFeed(NpgsqlDataSource dataSource, AppLatencyOptions options, TimeProvider time)
    {
        options.Validate();
        _options = options;
        var timeout = TimeSpan.FromSeconds(2);
        _runner = new SafeSqlRunner(dataSource, new SafeSqlOptions { MaxAttempts = 1, LockTimeout = timeout, StatementTimeout = timeout }, time: time);
    }

    public string Name => "application latency (switchyard.compat_latency)";

    /// <summary>Whether applications published enough operations in the baseline window for the feed to stand for them.</summary>
    public async Task<bool> IsActiveAsync(CancellationToken ct)
    {
        if (!await _runner.ScalarAsync<bool>(ActiveSql, ct).ConfigureAwait(false)) return false;
        // Kept for the baseline that follows, so both judge the same operations.
        _baselineWindow = await ReadAsync(DateTime.MinValue, _options.BaselineWindow, ct).ConfigureAwait(false);
        return _baselineWindow.Value.Operations >= _options.MinBaselineOperations;
    }

    /// <summary>
    /// The p99 over <see cref="AppLatencyOptions.BaselineWindow"/> before the migration's first step when the feed still
    /// holds enough of it, else over the last <see cref="AppLatencyOptions.BaselineWindow"/>. The backfill starts after
    /// Expand: a window that ends at the backfill holds Expand's own DDL and the deploy that followed it, so a baseline
    /// taken there makes the SLO a multiple of latency the migration already raised.
    /// </summary>
    public async Task<ForegroundBaseline> BaselineAsync(string? migration, CancellationToken ct)
    {
        if (_baseline is { } known) return known;
        var recent = _baselineWindow ?? await ReadAsync(DateTime.MinValue, _options.BaselineWindow, ct).ConfigureAwait(false);
        _baselineWindow = null; // a retry after too few operations reads afresh
        var seconds = _options.BaselineWindow.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
        var (window, words) = (recent, $"the last {seconds} s");
        if (migration is not null && await new MigrationJournal(_runner).FirstStepStartedAsync(migration, ct).ConfigureAwait(false) is { } started)
        {
            var before = await ReadAsync(started - _options.BaselineWindow, TimeSpan.FromDays(1), ct, upTo: started).ConfigureAwait(false);
            if (before.Operations >= _options.MinBaselineOperations)
                (window, words) = (before, $"the {seconds} s before the migration's first step at {started.ToUniversalTime():HH:mm:ss} UTC");
        }
        if (window.Operations < _options.MinBaselineOperations)
            throw new LatencyUnavailableException(FormattableString.Invariant(
                $"applications published {window.Operations} operations in the last {_options.BaselineWindow.TotalSeconds:0} s of switchyard.compat_latency, fewer than the {_options.MinBaselineOperations} a baseline needs"));
        // Samples read what is published from now on, whichever window the baseline came from.
        _readUpTo = recent.Newest > window.Newest ? recent.Newest : window.Newest;
        _baseline = new ForegroundBaseline(Math.Max(window.P99Ms, _options.BaselineFloor.TotalMilliseconds), words);
        return _baseline;
    }

    public async Task<LatencySample> RecentAsync(double sloMs, CancellationToken ct)
    {
        var window = await ReadAsync(_readUpTo, _options.QuietWindow, ct, sloMs).ConfigureAwait(false);
        if (window.Operations < _options.MinSampleOperations)
            window = await ReadAsync(DateTime.MinValue, _options.QuietWindow, ct, sloMs).ConfigureAwait(false);
        if (window.Operations < _options.MinSampleOperations)
            throw new LatencyUnavailableException(FormattableString.Invariant(
                $"applications published {window.Operations} operations in the last {_options.QuietWindow.TotalSeconds:0} s of switchyard.compat_latency, fewer than {_options.MinSampleOperations}"));
        _readUpTo = window.Newest;
        return new LatencySample(window.P99Ms, window.Fresh, window.FreshOverSlo);
    }

    /// <summary>Reads the window; <paramref name="sloMs"/> counts the operations new since the last sample over it.</summary>
    private async Task<FeedWindow> ReadAsync(DateTime after, TimeSpan within, CancellationToken ct, double sloMs = double.MaxValue, DateTime? upTo = null)
    {
        var sloMicros = (long)Math.Min(sloMs * 1000, int.MaxValue);
        var rows = await _runner.QueryAsync(P99Sql,
            r => new FeedWindow(r.IsDBNull(0) ? 0 : r.GetDouble(0), r.GetInt64(1), r.IsDBNull(2) ? after : r.GetDateTime(2), r.GetInt64(3), r.GetInt64(4)),
            ct, Utc(after), within.TotalSeconds, Utc(_readUpTo), sloMicros, upTo is { } end ? Utc(end) : null).ConfigureAwait(false);
        return rows[0];
    }

    private static DateTime Utc(DateTime at) => DateTime.SpecifyKind(at, DateTimeKind.Utc);

    /// <param name="Fresh">Operations published since the last sample.</param>
    /// <param name="FreshOverSlo">Of those, how many took longer than the SLO.</param>
    private readonly record struct FeedWindow(double P99Ms, long Operations, DateTime Newest, long Fresh, long FreshOverSlo);
}
