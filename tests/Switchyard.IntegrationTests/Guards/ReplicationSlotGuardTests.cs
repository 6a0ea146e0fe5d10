using Switchyard.Core.Backfill;
using Switchyard.Core.Guards;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Guards;

public sealed class ReplicationSlotGuardTests : IClassFixture<LedgerDatabase>
{
    private readonly LedgerDatabase _db;

    public ReplicationSlotGuardTests(LedgerDatabase db) => _db = db;

    [Fact]
    public async Task LogicalSlotNobodyConsumes_ThrottlesOnceItsRetainedWalPassesTheThreshold()
    {
        // Given a logical slot (test_decoding) that no consumer reads, and guards watching it with a 2 MiB slow threshold
        var before = await _db.InvariantsAsync();
        var slot = "sy_cdc_" + Guid.NewGuid().ToString("N")[..8];
        await _db.ExecuteAsync($"SELECT pg_create_logical_replication_slot('{slot}', 'test_decoding')");
        try
        {
            await using var guards = await GuardSet.CreateAsync(_db.DataSource, new GuardOptions
            {
                SampleInterval = TimeSpan.Zero,
                Slots = [slot],
                Rules = new Dictionary<string, GuardRule> { [SignalNames.SlotRetainedBytes] = new() { SlowAt = 2 * 1024 * 1024, SlowDelay = TimeSpan.FromMilliseconds(250) } },
            }, CancellationToken.None);
            var batch = new BatchContext("slot-test", 0, 0, 0, 0);
            var fresh = await guards.BeforeBatchAsync(batch, CancellationToken.None);
            fresh.Action.ShouldBe(ThrottleAction.Proceed, fresh.Reason);

            // When the primary writes more WAL than the threshold
            await _db.ExecuteAsync("CREATE TABLE wal_churn AS SELECT g AS id, repeat('x', 500) AS payload FROM generate_series(1, 20000) g");

            // Then the next batch is slowed, with the slot named and its consumer state said
            var decision = await guards.BeforeBatchAsync(batch, CancellationToken.None);
            decision.Action.ShouldBe(ThrottleAction.Slow, decision.Reason);
            decision.Delay.ShouldBe(TimeSpan.FromMilliseconds(250));
            decision.Source.ShouldBe("guard:slot_retained_bytes");
            decision.Reason.ShouldNotBeNull().ShouldContain($"slot {slot}");
            decision.Reason.ShouldContain("no consumer connected");
            var reading = guards.Current.Verdicts.Single(v => v.Reading.Signal == SignalNames.SlotRetainedBytes).Reading;
            reading.Value.ShouldNotBeNull().ShouldBeGreaterThan(2 * 1024 * 1024);
            (await GuardJournalRows.ReadAsync(_db.DataSource)).ShouldContain(r => r.Action == "slow" && r.Message.Contains(slot));
        }
        finally
        {
            await _db.ExecuteAsync($"SELECT pg_drop_replication_slot('{slot}')");
        }
        (await _db.InvariantsAsync()).SameMoneyAs(before).ShouldBeTrue();
    }
}
