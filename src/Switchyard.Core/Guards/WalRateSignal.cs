using System.Globalization;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Guards;

/// <summary>WAL generated per second, from <c>pg_current_wal_insert_lsn()</c> deltas between samples (what standbys and slots must absorb).</summary>
public sealed class WalRateSignal : IGuardSignal
{
    private readonly SafeSqlRunner _primary;
    private readonly TimeProvider _time;
    private (double Lsn, long Timestamp)? _last;

    public WalRateSignal(SafeSqlRunner primary, TimeProvider time)
    {
        _primary = primary;
        _time = time;
    }

    public string Name => "WAL rate";

    public IReadOnlyList<(string Signal, string Unit)> Produces { get; } = [(SignalNames.WalRate, SignalUnits.BytesPerSecond)];

    public async Task<IReadOnlyList<SignalReading>> ReadAsync(CancellationToken ct)
    {
        var lsn = await _primary.ScalarAsync<double>("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::float8", ct).ConfigureAwait(false);
        var now = _time.GetTimestamp();
        var last = _last;
        _last = (lsn, now);
        if (last is not { } previous)
            return [new SignalReading(SignalNames.WalRate, "", 0, SignalUnits.BytesPerSecond, "first sample; the rate needs two")];
        var seconds = _time.GetElapsedTime(previous.Timestamp, now).TotalSeconds;
        var rate = seconds <= 0 ? 0 : Math.Max(0, lsn - previous.Lsn) / seconds;
        return [new SignalReading(SignalNames.WalRate, "", rate, SignalUnits.BytesPerSecond,
            string.Create(CultureInfo.InvariantCulture, $"{SignalUnits.Format(lsn - previous.Lsn, SignalUnits.Bytes)} in {seconds:0.0}s"))];
    }
}
