using Npgsql;
using Switchyard.Core.Backfill;
using Switchyard.Core.Guards;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Guards;

public sealed class CanaryGuardTests : IClassFixture<LedgerDatabase>
{
    private static readonly BatchContext Batch = new("canary-test", 0, 0, 0, 0);
    private readonly LedgerDatabase _db;

    public CanaryGuardTests(LedgerDatabase db) => _db = db;

    [Fact]
    public async Task CanaryLatencySpikeFromACompetingLock_Slows_AndProceedsOnceItIsGone()
    {
        // Given the default canary probe (primary-key read + tiny upsert) with a baseline taken on a quiet database
        var before = await _db.InvariantsAsync();
        await using var guards = await GuardSet.CreateAsync(_db.DataSource, new GuardOptions
        {
            SampleInterval = TimeSpan.Zero,
            Canary = new CanaryOptions { BaselineProbes = 20, ProbesPerSample = 5, WindowProbes = 10, BaselineFloor = TimeSpan.FromMilliseconds(50) },
            Rules = new Dictionary<string, GuardRule> { [SignalNames.CanaryP99Ratio] = new() { SlowAt = 3, SlowDelay = TimeSpan.FromMilliseconds(300) } },
        }, CancellationToken.None);
        // (a busy shared machine can put one slow probe in the first window: allow it to settle)
        var quiet = await guards.BeforeBatchAsync(Batch, CancellationToken.None);
        for (var sample = 0; sample < 4 && quiet.Action != ThrottleAction.Proceed; sample++)
            quiet = await guards.BeforeBatchAsync(Batch, CancellationToken.None);
        quiet.Action.ShouldBe(ThrottleAction.Proceed, quiet.Reason);

        // When a competing session keeps taking an EXCLUSIVE lock on the probed table for 800 ms at a time
        using var stop = new CancellationTokenSource();
        var locked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var competitor = Task.Run(async () =>
        {
            await using var source = _db.NewDataSource("heavy-report");
            await using var conn = await source.OpenConnectionAsync();
            while (!stop.IsCancellationRequested)
            {
                await using (var take = new NpgsqlCommand("BEGIN; LOCK TABLE switchyard.canary IN EXCLUSIVE MODE", conn)) await take.ExecuteNonQueryAsync();
                locked.TrySetResult();
                await using (var hold = new NpgsqlCommand("SELECT pg_sleep(0.8); COMMIT", conn)) await hold.ExecuteNonQueryAsync();
                await Task.Delay(20);
            }
        });
        var spiked = ThrottleDecision.Proceed;
        try
        {
            await locked.Task.WaitAsync(TimeSpan.FromSeconds(30));
            for (var sample = 0; sample < 5 && spiked.Action != ThrottleAction.Slow; sample++)
                spiked = await guards.BeforeBatchAsync(Batch, CancellationToken.None);
        }
        finally
        {
            await stop.CancelAsync();
            await competitor;
        }

        // Then the batch is slowed by the canary, with p99 and baseline in the reason
        spiked.Action.ShouldBe(ThrottleAction.Slow, spiked.Reason);
        spiked.Source.ShouldBe("guard:canary_p99_ratio");
        spiked.Reason.ShouldNotBeNull().ShouldContain("baseline p99");
        (await GuardJournalRows.ReadAsync(_db.DataSource)).ShouldContain(r => r.Action == "slow" && r.Message.Contains("canary_p99_ratio"));

        // And once the window holds only quiet probes again, it proceeds
        var after = spiked;
        for (var sample = 0; sample < 6 && after.Action != ThrottleAction.Proceed; sample++)
            after = await guards.BeforeBatchAsync(Batch, CancellationToken.None);
        after.Action.ShouldBe(ThrottleAction.Proceed, after.Reason);
        (await _db.InvariantsAsync()).SameMoneyAs(before).ShouldBeTrue();
    }
}
