namespace Switchyard.Core.Execution;

/// <summary>A session holding (or queued for) a lock that conflicts with what a step needs.</summary>
public sealed record BlockingSession(int Pid, string LockMode, bool Granted, string ApplicationName, string State, double TransactionAgeSeconds, string Query)
{
    /// <summary><c>pg_stat_activity.backend_type</c>: <c>client backend</c> for applications, <c>autovacuum worker</c> for autovacuum.</summary>
    /// <value>The default is <c>client backend</c>.</value>
    public string BackendType { get; init; } = "client backend";

    /// <summary>An autovacuum worker: it never ends because we wait outside the lock queue, only when a waiter queues.</summary>
    public bool IsAutovacuum => string.Equals(BackendType, "autovacuum worker", StringComparison.Ordinal);

    /// <summary>An autovacuum that prevents transaction id wraparound: PostgreSQL never cancels it for a waiter.</summary>
    public bool IsWraparoundAutovacuum => IsAutovacuum && Query.Contains("to prevent wraparound", StringComparison.Ordinal);

    public override string ToString() => IsAutovacuum
        ? $"autovacuum worker pid {Pid} ({Query}{(IsWraparoundAutovacuum ? ", never cancelled for a waiter" : "")}, running {TransactionAgeSeconds:F1}s, {(Granted ? "holds" : "waits for")} {LockMode})"
        : $"pid {Pid} ({(ApplicationName.Length > 0 ? ApplicationName : "no application_name")}, {State}, transaction open {TransactionAgeSeconds:F1}s, {(Granted ? "holds" : "waits for")} {LockMode}): {Query}";
}

/// <summary>A statement could not get its lock within the bounds; names who held it.</summary>
public sealed class LockNotAcquiredException : SwitchyardException
{
    private const string EndHolderHint = "End or wait for the blocking session(s) (SELECT pg_terminate_backend(pid) if it is safe), then re-run the same command: it continues from the journal.";

    public LockNotAcquiredException(string statement, int attempts, IReadOnlyList<BlockingSession> blockers, Exception? inner = null)
        : this(BuildMessage(statement, attempts, blockers), HintFor(blockers), attempts, blockers, inner)
    {
    }

    public LockNotAcquiredException() : this("", 0, []) { }

    public LockNotAcquiredException(string message) : this(message, 0, []) { }

    public LockNotAcquiredException(string message, Exception inner) : this(message, 0, [], inner) { }

    private LockNotAcquiredException(string message, string hint, int attempts, IReadOnlyList<BlockingSession> blockers, Exception? inner)
        : base(message, hint, inner)
    {
        Attempts = attempts;
        Blockers = blockers;
    }

    /// <summary>The conflict gate's budget ran out before any attempt entered the lock queue.</summary>
    public static LockNotAcquiredException WaitedOutsideQueue(string statement, TimeSpan waited, IReadOnlyList<BlockingSession> holders) =>
        new($"Did not run `{Shorten(statement)}`: waited {waited.TotalSeconds:F0}s outside the lock queue (so nothing queued behind it) and conflicting lock(s) were still held: {string.Join("; ", holders)}.",
            HintFor(holders) + " Or give it longer with --holder-wait-seconds.", 0, holders, null);

    public int Attempts { get; }
    public IReadOnlyList<BlockingSession> Blockers { get; }
    public override int ExitCode => 3;

    private static string HintFor(IReadOnlyList<BlockingSession> blockers) => blockers.FirstOrDefault(b => b.IsAutovacuum) is { } av
        ? av.IsWraparoundAutovacuum
            ? $"Autovacuum pid {av.Pid} is preventing wraparound on the table and is never cancelled: wait for it to finish (pg_stat_progress_vacuum), then re-run the same command."
            : $"Autovacuum pid {av.Pid} is vacuuming the table: wait for it (pg_stat_progress_vacuum), or cancel it with SELECT pg_cancel_backend({av.Pid}) (it runs again later), then re-run the same command."
        : EndHolderHint;

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
