namespace Switchyard.Core.Execution;

/// <summary>
/// Waiting outside the lock queue never ends an autovacuum: PostgreSQL cancels a (non-wraparound) autovacuum worker only
/// when a waiter has queued behind it for <c>deadlock_timeout</c>. A statement whose lock does not block reads or writes
/// (SHARE UPDATE EXCLUSIVE or weaker: ANALYZE, VALIDATE CONSTRAINT) can queue that long harmlessly, so when autovacuum
/// is its only holder it enters the queue with a lock_timeout past deadlock_timeout, and autovacuum yields to it.
/// Stronger statements would stall the application while queued: they keep waiting outside, naming the worker.
/// </summary>
public static class AutovacuumYield
{
    /// <summary>True when every long holder is a cancellable autovacuum worker and queueing blocks no reader or writer.</summary>
    public static bool Applies(DdlStatement statement, IReadOnlyList<BlockingSession> holders) =>
        holders.Count > 0
        && holders.All(h => h.IsAutovacuum && !h.IsWraparoundAutovacuum)
        && statement.Locks.Count > 0
        && statement.Locks.All(l => !LockModes.Conflicts(l.Mode, LockMode.RowExclusive));

    /// <summary>A lock_timeout that outlasts the deadlock check (which cancels the worker) with room for it to roll back.</summary>
    public static TimeSpan QueueLockTimeout(TimeSpan deadlockTimeout, TimeSpan lockTimeout)
    {
        var margin = deadlockTimeout > TimeSpan.FromSeconds(1) ? deadlockTimeout : TimeSpan.FromSeconds(1);
        var needed = deadlockTimeout + margin;
        return needed > lockTimeout ? needed : lockTimeout;
    }
}
