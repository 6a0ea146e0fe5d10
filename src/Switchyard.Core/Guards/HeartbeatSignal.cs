using Npgsql;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Guards;

/// <summary>
/// The most honest lag: Switchyard writes a heartbeat row on the primary and reads it on the standby. A standby that
/// shows the new beat within <see cref="GuardOptions.HeartbeatWait"/> lags by the time it took; one that does not lags
/// by the primary-clock time since the first beat it has not shown was written (a paused replay grows it), and at
/// least by the wait.
/// </summary>
public sealed class HeartbeatSignal : IGuardSignal
{
    private const string Write = """
        INSERT INTO switchyard.heartbeat (id, beat, at) VALUES (1, 1, clock_timestamp())
        ON CONFLICT (id) DO UPDATE SET beat = heartbeat.beat + 1, at = clock_timestamp()
        RETURNING beat, extract(epoch FROM at)::float8
        """;

    private const string Read = "SELECT beat, extract(epoch FROM at)::float8 FROM switchyard.heartbeat WHERE id = 1";

    private const int MaxRemembered = 100_000;
    private readonly Queue<(long Beat, double At)> _written = new();
    private readonly SafeSqlRunner _primary;
    private readonly string _standby;
    private readonly SafeSqlRunner _standbyReader;
    private readonly TimeSpan _wait;
    private readonly TimeProvider _time;

    public HeartbeatSignal(SafeSqlRunner primary, string standbyName, SafeSqlRunner standbyReader, TimeSpan wait, TimeProvider time)
    {
        _primary = primary;
        _standby = standbyName;
        _standbyReader = standbyReader;
        _wait = wait;
        _time = time;
    }

    public string Name => $"heartbeat on standby {_standby}";

    public IReadOnlyList<(string Signal, string Unit)> Produces { get; } = [(SignalNames.HeartbeatLagSeconds, SignalUnits.Seconds)];

    public async Task<IReadOnlyList<SignalReading>> ReadAsync(CancellationToken ct)
    {
        var subject = "standby " + _standby;
        var written = (await _primary.QueryAsync(Write, r => (Beat: r.GetInt64(0), At: r.GetDouble(1)), ct).ConfigureAwait(false))[0];
        lock (_written)
        {
            _written.Enqueue(written);
            while (_written.Count > MaxRemembered) _written.Dequeue();
        }
        var started = _time.GetTimestamp();
        (long Beat, double At) seen;
        try
        {
            while (true)
            {
                seen = await ReadStandbyAsync(ct).ConfigureAwait(false);
                if (seen.Beat >= written.Beat)
                {
                    var took = _time.GetElapsedTime(started).TotalSeconds;
                    return [new SignalReading(SignalNames.HeartbeatLagSeconds, subject, took, SignalUnits.Seconds, $"beat {written.Beat} visible on the standby")];
                }
                if (_time.GetElapsedTime(started) >= _wait) break;
                await Task.Delay(TimeSpan.FromMilliseconds(50), _time, ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SqlFailedException or NpgsqlException or TimeoutException)
        {
            return [SignalReading.Unreadable(SignalNames.HeartbeatLagSeconds, subject, SignalUnits.Seconds,
                $"standby '{_standby}' did not answer: {FirstLine(e)}")];
        }
        // The standby has been missing data since the first beat after the one it shows was written. Beats written by
        // other processes are not in memory; then all we know is that it did not catch up within the wait.
        double? firstMissing;
        lock (_written) firstMissing = _written.Where(w => w.Beat > seen.Beat).Select(w => (double?)w.At).FirstOrDefault();
        var lag = Math.Max(written.At - (firstMissing ?? written.At), _wait.TotalSeconds);
        return [new SignalReading(SignalNames.HeartbeatLagSeconds, subject, lag, SignalUnits.Seconds,
            $"standby shows beat {seen.Beat}, primary wrote beat {written.Beat}")];
    }

    private async Task<(long Beat, double At)> ReadStandbyAsync(CancellationToken ct)
    {
        try
        {
            var rows = await _standbyReader.QueryAsync(Read, r => (Beat: r.GetInt64(0), At: r.GetDouble(1)), ct).ConfigureAwait(false);
            return rows.Count == 0 ? (0, 0) : rows[0];
        }
        catch (SqlFailedException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UndefinedTable })
        {
            // The heartbeat table was just created on the primary and has not been replayed yet: a lag like any other.
            return (0, 0);
        }
    }

    private static string FirstLine(Exception e)
    {
        var inner = e.InnerException?.Message ?? e.Message;
        return inner.Split('\n')[0];
    }
}
