using Switchyard.Core.Execution;

namespace Switchyard.Core.Tests.Execution;

public sealed class ShortHolderGraceTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(100);

    private static BlockingSession Holder(string state, double ageSeconds, bool granted = true) =>
        new(4242, "AccessShareLock", granted, "app", state, ageSeconds, "SELECT 1");

    [Fact]
    public void AYoungRunningStatement_IsNotWaitedFor() =>
        SafeSqlRunner.MayHoldLong(Holder("active", 0.02), Grace).ShouldBeFalse();

    [Fact]
    public void ARunningStatementInAnOldTransaction_IsWaitedFor() =>
        SafeSqlRunner.MayHoldLong(Holder("active", 0.1), Grace).ShouldBeTrue();

    [Theory]
    [InlineData("idle in transaction")]
    [InlineData("idle in transaction (aborted)")]
    [InlineData("")]
    public void ASessionNotRunningAnything_IsWaitedFor_HoweverYoung(string state) =>
        SafeSqlRunner.MayHoldLong(Holder(state, 0.001), Grace).ShouldBeTrue();

    [Fact]
    public void ASessionWaitingForTheLockItself_IsWaitedFor() =>
        SafeSqlRunner.MayHoldLong(Holder("active", 0.001, granted: false), Grace).ShouldBeTrue();

    [Fact]
    public void ZeroGrace_WaitsForEveryHolder() =>
        SafeSqlRunner.MayHoldLong(Holder("active", 0), TimeSpan.Zero).ShouldBeTrue();

    [Fact]
    public void MayHoldLong_DefaultGraceAndAReportFortyMillisecondsIntoItsScan_IsWaitedFor() =>
        // Given the default options, When a statement has run 40 ms, Then the gate waits for it outside the lock queue
        // (at the old 100 ms default a 300 ms report passed for short and the DDL queued behind it until lock_timeout)
        SafeSqlRunner.MayHoldLong(Holder("active", 0.04), new SafeSqlOptions().ShortHolderGrace).ShouldBeTrue();
}
