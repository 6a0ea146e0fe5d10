using Switchyard.Core.Execution;

namespace Switchyard.Core.Tests.Execution;

public sealed class SafeSqlOptionsTests
{
    [Theory]
    [InlineData(-1)]
    [InlineData(65)]
    public void Validate_ParallelWorkersOutOfRange_ThrowsNamingTheValueAndTheFix(int workers)
    {
        // Given options asking index builds for an impossible number of parallel workers
        var options = new SafeSqlOptions { ParallelWorkers = workers };

        // When they are validated
        var error = Should.Throw<SwitchyardException>(options.Validate);

        // Then the error names the value and how to fix it
        error.Message.ShouldContain(workers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        error.Hint.ShouldNotBeNull().ShouldContain("0");
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0)]
    [InlineData(4)]
    public void Validate_ParallelWorkersUnsetOrInRange_Passes(int? workers) =>
        Should.NotThrow(new SafeSqlOptions { ParallelWorkers = workers }.Validate);

    [Theory]
    [InlineData(1, 50)]
    [InlineData(2, 100)]
    [InlineData(3, 200)]
    [InlineData(8, 200)]
    public void DdlLockTimeout_Attempt_StartsAtAQuarterAndDoublesUpToTheLockTimeout(int attempt, int expectedMs)
    {
        // Given the default 200 ms lock_timeout
        var options = new SafeSqlOptions();

        // When a DDL statement's attempt asks how long it may queue
        var timeout = options.DdlLockTimeout(attempt);

        // Then the first attempts queue less than the configured timeout, later ones all of it
        timeout.ShouldBe(TimeSpan.FromMilliseconds(expectedMs));
    }

    [Fact]
    public void DdlLockWaitBudget_DefaultOptions_SumsTheRampOverEveryAttempt()
    {
        // Given the default 200 ms lock_timeout and 8 attempts
        var options = new SafeSqlOptions();

        // When / Then: 50 + 100 + 6 x 200 ms queue at most, and the ramp reads as the runbook prints it
        options.DdlLockWaitBudget.ShouldBe(TimeSpan.FromMilliseconds(1_350));
        options.DdlLockTimeoutText.ShouldBe("50/100/200 ms (first, second, later attempts)");
    }

    [Fact]
    public void DdlLockTimeoutText_TwoAttempts_NamesOnlyTheAttemptsThereAre()
    {
        // Given a lock_timeout of 200 ms and two attempts
        var options = new SafeSqlOptions { MaxAttempts = 2 };

        // When / Then: the ramp stops at the second attempt, and so does its label
        options.DdlLockTimeoutText.ShouldBe("50/100 ms (first, second attempt)");
    }
}
