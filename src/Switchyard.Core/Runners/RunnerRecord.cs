using System.Diagnostics;
using System.Globalization;

namespace Switchyard.Core.Runners;

/// <summary>A row of <c>switchyard.runners</c>: who runs, since when, and whether it still beats.</summary>
public sealed record RunnerRecord(string LockName, Guid RunId, string? Migration, string Table, string Host, int OsPid, DateTimeOffset ProcessStartedAt,
    int BackendPid, DateTimeOffset StartedAt, DateTimeOffset LastBeat, bool Alive, double SecondsSinceBeat)
{
    /// <summary>"host h, OS pid p (process started …), running since …, last heartbeat n s ago".</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"runner on host {Host}, OS pid {OsPid} (process started {ProcessStartedAt.ToUniversalTime():u}), running since {StartedAt.ToUniversalTime():u}, backend pid {BackendPid}, last heartbeat {SecondsSinceBeat:F0}s ago");

    internal const string Columns = """
        lock_name, run_id, migration, table_name, host, os_pid, process_started_at, backend_pid, started_at, last_beat,
        last_beat >= clock_timestamp() - $2::interval, extract(epoch FROM clock_timestamp() - last_beat)::float8
        """;

    /// <summary>
    /// Alive when it beat within the stale window, unless it ran on this host and its process is gone: a runner killed
    /// a moment ago on the same machine is known dead at once, elsewhere only once its heartbeat is stale.
    /// </summary>
    internal static RunnerRecord Read(Npgsql.NpgsqlDataReader r)
    {
        var (host, osPid, processStarted) = (r.GetString(4), r.GetInt32(5), r.GetFieldValue<DateTimeOffset>(6));
        var beating = r.GetBoolean(10);
        return new(r.GetString(0), r.GetGuid(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3), host, osPid, processStarted,
            r.GetInt32(7), r.GetFieldValue<DateTimeOffset>(8), r.GetFieldValue<DateTimeOffset>(9),
            beating && !ThisProcess.GoneFromThisHost(host, osPid, processStarted), r.GetDouble(11));
    }
}

/// <summary>This process, as the runners table records it.</summary>
internal static class ThisProcess
{
    public static readonly string Host = Environment.MachineName;
    public static readonly int OsPid = Environment.ProcessId;
    public static readonly DateTimeOffset StartedAt = StartTime();

    private static DateTimeOffset StartTime()
    {
        using var self = Process.GetCurrentProcess();
        return new DateTimeOffset(self.StartTime.ToUniversalTime(), TimeSpan.Zero);
    }

    /// <summary>True when the runner ran on this host and no process with its pid and start time runs here now.</summary>
    public static bool GoneFromThisHost(string host, int osPid, DateTimeOffset processStartedAt)
    {
        if (!string.Equals(host, Host, StringComparison.Ordinal)) return false;
        try
        {
            using var process = Process.GetProcessById(osPid);
            // A reused pid belongs to a process started later.
            return (new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero) - processStartedAt).Duration() > TimeSpan.FromSeconds(1);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return true;
        }
    }
}
