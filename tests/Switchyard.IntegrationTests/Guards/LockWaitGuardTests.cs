using Npgsql;
using Switchyard.Core.Backfill;
using Switchyard.Core.Guards;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Guards;

public sealed class LockWaitGuardTests : IClassFixture<LedgerDatabase>
{
    private readonly LedgerDatabase _db;

    public LockWaitGuardTests(LedgerDatabase db) => _db = db;

    [Fact]
    public async Task CustomerSessionBlockedBehindASwitchyardSession_PausesPastLockTimeout_NamingBothSessions()
    {
        // Given a Switchyard session holding a row lock in an open transaction
        var before = await _db.InvariantsAsync();
        await using var ours = _db.NewDataSource("switchyard-backfill");
        await using var holder = await ours.OpenConnectionAsync();
        await using var tx = await holder.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand("UPDATE transactions SET amount_minor = amount_minor WHERE id = 7", holder, tx))
            await hold.ExecuteNonQueryAsync();

        // and a payments session that needs the same row
        await using var theirs = _db.NewDataSource("payments-api");
        await using var customer = await theirs.OpenConnectionAsync();
        var customerPid = customer.ProcessID;
        await using var blocked = new NpgsqlCommand("UPDATE transactions SET amount_minor = amount_minor WHERE id = 7", customer);
        var waiting = blocked.ExecuteNonQueryAsync();

        // When the guards sample after the wait passed lock_timeout (200 ms)
        await using var guards = await GuardSet.CreateAsync(_db.DataSource, new GuardOptions { SampleInterval = TimeSpan.Zero }, CancellationToken.None);
        ThrottleDecision decision = ThrottleDecision.Proceed;
        for (var poll = 0; poll < 40 && decision.Action != ThrottleAction.Pause; poll++)
        {
            await Task.Delay(100);
            decision = await guards.BeforeBatchAsync(new BatchContext("lock-wait", 0, 0, 0, 0), CancellationToken.None);
        }

        // Then they pause, naming the waiting customer and the Switchyard session it waits for
        decision.Action.ShouldBe(ThrottleAction.Pause, decision.Reason);
        decision.Source.ShouldBe("guard:lock_wait_seconds");
        decision.Reason.ShouldNotBeNull().ShouldContain($"pid {customerPid} (payments-api)");
        decision.Reason.ShouldContain($"waits for pid {holder.ProcessID} (switchyard-backfill)");
        waiting.IsCompleted.ShouldBeFalse();

        await tx.RollbackAsync();
        await waiting;
        (await _db.InvariantsAsync()).SameMoneyAs(before).ShouldBeTrue();
    }
}
