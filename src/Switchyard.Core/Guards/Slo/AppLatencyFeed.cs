using Npgsql;
using Switchyard.Core.Execution;

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

    // $1: only rows published after this; $2: and within this many seconds.
    private const string P99Sql = """
        SELECT (percentile_disc(0.99) WITHIN GROUP (ORDER BY s.us))::float8 / 1000, count(s.us), max(l.published_at)
        FROM switchyard.compat_latency l, unnest(l.samples_us) AS s(us)
        WHERE l.published_at > $1 AND l.published_at > clock_timestamp() - make_interval(secs => $2)
        """;

    private readonly SafeSqlRunner _runner;
    private readonly AppLatencyOptions _options;
    private DateTime _readUpTo = DateTime.MinValue;
    private double? _baselineMs;
    private (double P99Ms, long Operations, DateTime Newest)? _baselineWindow;

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

    public async Task<double> BaselineP99MsAsync(CancellationToken ct)
    {
        if (_baselineMs is { } known) return known;
        var window = _baselineWindow ?? await ReadAsync(DateTime.MinValue, _options.BaselineWindow, ct).ConfigureAwait(false);
        _baselineWindow = null; // a retry after too few operations reads afresh
        if (window.Operations < _options.MinBaselineOperations)
            throw new LatencyUnavailableException(FormattableString.Invariant(
                $"applications published {window.Operations} operations in the last {_options.BaselineWindow.TotalSeconds:0} s of switchyard.compat_latency, fewer than the {_options.MinBaselineOperations} a baseline needs"));
        _readUpTo = window.Newest;
        _baselineMs = Math.Max(window.P99Ms, _options.BaselineFloor.TotalMilliseconds);
        return _baselineMs.Value;
    }

    public async Task<double> RecentP99MsAsync(CancellationToken ct)
    {
        var window = await ReadAsync(_readUpTo, _options.QuietWindow, ct).ConfigureAwait(false);
        if (window.Operations < _options.MinSampleOperations)
            window = await ReadAsync(DateTime.MinValue, _options.QuietWindow, ct).ConfigureAwait(false);
        if (window.Operations < _options.MinSampleOperations)
            throw new LatencyUnavailableException(FormattableString.Invariant(
                $"applications published {window.Operations} operations in the last {_options.QuietWindow.TotalSeconds:0} s of switchyard.compat_latency, fewer than {_options.MinSampleOperations}"));
        _readUpTo = window.Newest;
        return window.P99Ms;
    }

    private async Task<(double P99Ms, long Operations, DateTime Newest)> ReadAsync(DateTime after, TimeSpan within, CancellationToken ct)
    {
        var rows = await _runner.QueryAsync(P99Sql,
            r => (r.IsDBNull(0) ? 0 : r.GetDouble(0), r.GetInt64(1), r.IsDBNull(2) ? after : r.GetDateTime(2)),
            ct, DateTime.SpecifyKind(after, DateTimeKind.Utc), within.TotalSeconds).ConfigureAwait(false);
        return rows[0];
    }
}
