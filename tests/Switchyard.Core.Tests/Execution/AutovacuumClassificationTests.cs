using Switchyard.Core.Execution;

namespace Switchyard.Core.Tests.Execution;

public sealed class AutovacuumClassificationTests
{
    private static readonly QualifiedName Table = new("public", "transactions");

    private static BlockingSession Autovacuum(string query = "autovacuum: VACUUM ANALYZE public.transactions") =>
        new(777, "ShareUpdateExclusiveLock", true, "", "active", 12.5, query) { BackendType = "autovacuum worker" };

    private static BlockingSession Client() => new(4242, "ShareUpdateExclusiveLock", true, "report", "idle in transaction", 3, "VACUUM transactions");

    [Fact]
    public void BlockingSession_AutovacuumWorker_IsNamedAsAutovacuum()
    {
        // Given an autovacuum worker's row of pg_stat_activity
        var holder = Autovacuum();

        // When it is classified and described
        var text = holder.ToString();

        // Then it is autovacuum, cancellable, and the description says so
        holder.IsAutovacuum.ShouldBeTrue();
        holder.IsWraparoundAutovacuum.ShouldBeFalse();
        text.ShouldStartWith("autovacuum worker pid 777");
        text.ShouldContain("VACUUM ANALYZE public.transactions");
    }

    [Fact]
    public void BlockingSession_WraparoundAutovacuum_IsNeverCancelled()
    {
        // Given an autovacuum that prevents wraparound
        var holder = Autovacuum("autovacuum: VACUUM public.transactions (to prevent wraparound)");

        // When it is classified
        var text = holder.ToString();

        // Then it is recognised as the kind PostgreSQL never cancels
        holder.IsWraparoundAutovacuum.ShouldBeTrue();
        text.ShouldContain("never cancelled");
    }

    [Fact]
    public void BlockingSession_ClientRunningVacuum_IsNotAutovacuum()
    {
        // Given a regular session that runs VACUUM itself
        var holder = Client();

        // When it is classified
        var isAutovacuum = holder.IsAutovacuum;

        // Then it is a client backend, named by pid and application_name
        isAutovacuum.ShouldBeFalse();
        holder.ToString().ShouldStartWith("pid 4242 (report");
    }

    [Fact]
    public void AutovacuumYield_OnlyAutovacuumHoldsAndStatementBlocksNoWriter_Applies()
    {
        // Given ANALYZE (SHARE UPDATE EXCLUSIVE) and autovacuum as the only holder
        var analyze = DdlStatement.On(Table, LockMode.ShareUpdateExclusive, "ANALYZE public.transactions");

        // When the gate decides
        var applies = AutovacuumYield.Applies(analyze, [Autovacuum()]);

        // Then it queues so autovacuum yields
        applies.ShouldBeTrue();
    }

    [Fact]
    public void AutovacuumYield_StatementBlocksWriters_DoesNotApply()
    {
        // Given an ACCESS EXCLUSIVE statement: queued, it would stall every reader and writer for deadlock_timeout
        var alter = DdlStatement.On(Table, LockMode.AccessExclusive, "ALTER TABLE public.transactions ADD COLUMN x int");

        // When the gate decides
        var applies = AutovacuumYield.Applies(alter, [Autovacuum()]);

        // Then it keeps waiting outside the queue
        applies.ShouldBeFalse();
    }

    [Fact]
    public void AutovacuumYield_ClientAlsoHolds_DoesNotApply()
    {
        // Given autovacuum and an idle-in-transaction client both holding
        var analyze = DdlStatement.On(Table, LockMode.ShareUpdateExclusive, "ANALYZE public.transactions");

        // When the gate decides
        var applies = AutovacuumYield.Applies(analyze, [Autovacuum(), Client()]);

        // Then it waits: the client is not cancelled by queueing
        applies.ShouldBeFalse();
    }

    [Fact]
    public void AutovacuumYield_WraparoundAutovacuum_DoesNotApply()
    {
        // Given a wraparound autovacuum, which queueing never cancels
        var analyze = DdlStatement.On(Table, LockMode.ShareUpdateExclusive, "ANALYZE public.transactions");

        // When the gate decides
        var applies = AutovacuumYield.Applies(analyze, [Autovacuum("autovacuum: VACUUM public.transactions (to prevent wraparound)")]);

        // Then it waits outside the queue
        applies.ShouldBeFalse();
    }

    [Theory]
    [InlineData(1000, 200, 2000)]
    [InlineData(3000, 200, 6000)]
    [InlineData(100, 200, 1100)]
    [InlineData(1000, 5000, 5000)]
    public void QueueLockTimeout_DeadlockTimeout_OutlastsTheDeadlockCheck(int deadlockMs, int lockMs, int expectedMs)
    {
        // Given deadlock_timeout and the configured lock_timeout
        var deadlock = TimeSpan.FromMilliseconds(deadlockMs);

        // When the queue's lock_timeout is chosen
        var timeout = AutovacuumYield.QueueLockTimeout(deadlock, TimeSpan.FromMilliseconds(lockMs));

        // Then it outlasts the deadlock check with room for the worker to stop
        timeout.ShouldBe(TimeSpan.FromMilliseconds(expectedMs));
    }

    [Fact]
    public void LockNotAcquired_AutovacuumBlocks_HintNamesItAndHowToEndIt()
    {
        // Given a refusal whose blocker is autovacuum
        var refusal = LockNotAcquiredException.WaitedOutsideQueue("ALTER TABLE t ADD COLUMN x int", TimeSpan.FromSeconds(120), [Autovacuum()]);

        // When it is shown
        var (message, hint) = (refusal.Message, refusal.Hint);

        // Then it says what happened (no "0 attempt(s)") and names autovacuum with the way out
        message.ShouldContain("waited 120s outside the lock queue");
        message.ShouldNotContain("attempt(s)");
        message.ShouldContain("autovacuum worker pid 777");
        hint.ShouldNotBeNull().ShouldContain("pg_cancel_backend(777)");
    }
}
