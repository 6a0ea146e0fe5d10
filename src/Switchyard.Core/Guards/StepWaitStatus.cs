using System.Globalization;

namespace Switchyard.Core.Guards;

/// <summary>A Switchyard statement waiting on other sessions during a long step, with who it waits for.</summary>
public sealed record StepWaitStatus(int Pid, string Query, string Phase, double WaitedSeconds, IReadOnlyList<SessionInfo> BlockedBy)
{
    /// <summary>The status line: what waits, for how long, and for whom.</summary>
    public string Line => string.Create(CultureInfo.InvariantCulture,
        $"`{Shorten(Query)}` (pid {Pid}{(Phase.Length > 0 ? ", " + Phase : "")}) has waited {WaitedSeconds:F1}s for {string.Join("; ", BlockedBy)}");

    private static string Shorten(string sql)
    {
        var one = string.Join(' ', sql.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        return one.Length > 100 ? one[..97] + "..." : one;
    }
}
