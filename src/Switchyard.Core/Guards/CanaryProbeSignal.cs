using System.Globalization;
using HdrHistogram;
using Npgsql;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Guards;

/// <summary>
/// Foreground latency: runs the probe statements an application would run, records each probe's latency in an
/// HdrHistogram, and reports the p99 of the recent window divided by the p99 of a baseline taken before the migration.
/// A probe that hits its timeout counts at the timeout; a probe that fails otherwise makes the signal unreadable.
/// </summary>
public sealed class CanaryProbeSignal : IGuardSignal, Slo.IForegroundLatency
{
    private const long MaxMicros = 3_600_000_000;
    private readonly SafeSqlRunner _runner;
    private readonly CanaryOptions _options;
    private readonly TimeProvider _time;
    private readonly Queue<long> _window = new();
    private readonly object _gate = new();
    private int _slot;

    public CanaryProbeSignal(NpgsqlDataSource dataSource, CanaryOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _runner = new SafeSqlRunner(dataSource,
            new SafeSqlOptions { MaxAttempts = 1, LockTimeout = options.ProbeTimeout, StatementTimeout = options.ProbeTimeout }, time: time);
    }

    public string Name => "canary probe";

    public IReadOnlyList<(string Signal, string Unit)> Produces { get; } = [(SignalNames.CanaryP99Ratio, SignalUnits.Ratio)];

    /// <summary>The baseline p99 in microseconds; null until <see cref="CaptureBaselineAsync"/> ran.</summary>
    public long? BaselineP99Micros { get; private set; }

    /// <summary>Takes the baseline: call before the migration starts generating load.</summary>
    public async Task<long> CaptureBaselineAsync(CancellationToken ct)
    {
        var histogram = NewHistogram();
        for (var i = 0; i < _options.BaselineProbes; i++)
            histogram.RecordValue(await ProbeOnceAsync(ct).ConfigureAwait(false));
        BaselineP99Micros = histogram.GetValueAtPercentile(99);
        return BaselineP99Micros.Value;
    }

    /// <summary>Runs one probe and returns its latency in microseconds (timeouts count at the timeout).</summary>
    public async Task<long> ProbeOnceAsync(CancellationToken ct)
    {
        var slot = Interlocked.Increment(ref _slot) % 100;
        var started = _time.GetTimestamp();
        try
        {
            await _runner.InTransactionAsync(async (c, tx, token) =>
            {
                foreach (var sql in _options.ProbeSql)
                {
                    await using var cmd = new NpgsqlCommand(sql, c, tx);
                    if (sql.Contains("$1", StringComparison.Ordinal)) cmd.Parameters.AddWithValue(slot);
                    await cmd.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }
                return 0;
            }, ct, description: "canary probe").ConfigureAwait(false);
        }
        catch (SqlFailedException e) when (IsTimeout(e))
        {
            return (long)_options.ProbeTimeout.TotalMicroseconds;
        }
        return Math.Max(1, (long)_time.GetElapsedTime(started).TotalMicroseconds);
    }

    public async Task<IReadOnlyList<SignalReading>> ReadAsync(CancellationToken ct)
    {
        var (p99, probes, _) = await SampleWindowAsync(ct).ConfigureAwait(false);
        var baseline = Math.Max(BaselineP99Micros!.Value, (long)_options.BaselineFloor.TotalMicroseconds);
        var ratio = (double)p99 / baseline;
        return [new SignalReading(SignalNames.CanaryP99Ratio, "", ratio, SignalUnits.Ratio,
            string.Create(CultureInfo.InvariantCulture,
                $"p99 {p99 / 1000.0:0.###} ms over the last {probes} probes; baseline p99 {BaselineP99Micros.Value / 1000.0:0.###} ms (floor {_options.BaselineFloor.TotalMilliseconds:0} ms)"))];
    }

    /// <summary>The baseline p99 in ms, raised to the floor (taken now when not taken yet: probes cannot look back to before the migration).</summary>
    public async Task<Slo.ForegroundBaseline> BaselineAsync(string? migration, CancellationToken ct)
    {
        BaselineP99Micros ??= await CaptureBaselineAsync(ct).ConfigureAwait(false);
        var ms = Math.Max(BaselineP99Micros.Value, (long)_options.BaselineFloor.TotalMicroseconds) / 1000.0;
        return new Slo.ForegroundBaseline(ms, string.Create(CultureInfo.InvariantCulture, $"{_options.BaselineProbes} probes before the first batch"));
    }

    public async Task<Slo.LatencySample> RecentAsync(double sloMs, CancellationToken ct)
    {
        var (p99, _, fresh) = await SampleWindowAsync(ct).ConfigureAwait(false);
        var over = fresh.Count(micros => micros > sloMs * 1000);
        return new Slo.LatencySample(p99 / 1000.0, fresh.Length, over);
    }

    /// <summary>Runs one sample of probes into the window; the window's p99 in microseconds, its probe count, and this sample's probes.</summary>
    private async Task<(long P99Micros, long Probes, long[] Fresh)> SampleWindowAsync(CancellationToken ct)
    {
        BaselineP99Micros ??= await CaptureBaselineAsync(ct).ConfigureAwait(false);
        var fresh = new long[_options.ProbesPerSample];
        for (var i = 0; i < fresh.Length; i++)
        {
            var micros = fresh[i] = await ProbeOnceAsync(ct).ConfigureAwait(false);
            lock (_gate)
            {
                _window.Enqueue(micros);
                while (_window.Count > _options.WindowProbes) _window.Dequeue();
            }
        }
        var histogram = NewHistogram();
        lock (_gate)
        {
            foreach (var v in _window) histogram.RecordValue(v);
        }
        return (histogram.GetValueAtPercentile(99), histogram.TotalCount, fresh);
    }

    private static LongHistogram NewHistogram() => new(MaxMicros, 3);

    private static bool IsTimeout(Exception e) =>
        e.InnerException is PostgresException { SqlState: "57014" or "55P03" } || e.InnerException is NpgsqlException { InnerException: TimeoutException };
}
