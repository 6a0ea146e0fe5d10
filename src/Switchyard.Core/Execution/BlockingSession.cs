namespace Switchyard.Core.Execution;

/// <summary>A session holding (or queued for) a lock that conflicts with what a step needs.</summary>
public sealed record BlockingSession(int Pid, string LockMode, bool Granted, string ApplicationName, string State, double TransactionAgeSeconds, string Query)
{
    public override string ToString() =>
        $"pid {Pid} ({(ApplicationName.Length > 0 ? ApplicationName : "no application_name")}, {State}, transaction open {TransactionAgeSeconds:F1}s, {(Granted ? "holds" : "waits for")} {LockMode}): {Query}";
}

/// <summary>A statement could not get its lock within the bounds; names who held it.</summary>
public sealed class LockNotAcquiredException : SwitchyardException
{
    public LockNotAcquiredException(string statement, int attempts, IReadOnlyList<BlockingSession> blockers, Exception? inner = null)
        : base(BuildMessage(statement, attempts, blockers),
               "End or wait for the blocking session(s) (SELECT pg_terminate_backend(pid) if it is safe), then re-run the same command: it continues from the journal.",
               inner)
    {
        Attempts = attempts;
        Blockers = blockers;
    }

    public LockNotAcquiredException() : this("", 0, []) { }

    public LockNotAcquiredException(string message) : this(message, 0, []) { }

    public LockNotAcquiredException(string message, Exception inner) : this(message, 0, [], inner) { }

    public int Attempts { get; }
    public IReadOnlyList<BlockingSession> Blockers { get; }
    public override int ExitCode => 3;

    private static string BuildMessage(string statement, int attempts, IReadOnlyList<BlockingSession> blockers)
    {
        var who = blockers.Count == 0 ? "no blocking session was visible at the last attempt" : "blocked by " + string.Join("; ", blockers);
        return $"Could not take the lock for `{Shorten(statement)}` after {attempts} attempt(s): {who}.";
    }

    private static string Shorten(string sql)
    {
        var one = string.Join(' ', sql.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        return one.Length > 120 ? one[..117] + "..." : one;
    }
}
