using Switchyard.Core.Backfill;
using Switchyard.Core.Fleet;
using Switchyard.Core.Tests.Backfill;

namespace Switchyard.Core.Tests.Fleet;

public sealed class FleetRowBudgetTests
{
    private static BatchContext At(long rowsDone) => new("m", 0, rowsDone, 1_000_000, 0);

    [Fact]
    public async Task TwoRunningShards_EachGetHalfTheBudget_AndTheLastOneGetsAllOfIt()
    {
        // Given a fleet budget of 1,000 rows/s and two shards backfilling
        var time = new ManualTime();
        var budget = new FleetRowBudget(1_000, time);
        var a = budget.Share("a");
        var b = budget.Share("b");
        (await a.BeforeBatchAsync(At(0), CancellationToken.None)).Action.ShouldBe(ThrottleAction.Proceed);
        (await b.BeforeBatchAsync(At(0), CancellationToken.None)).Action.ShouldBe(ThrottleAction.Proceed);

        // When shard a has done 500 rows at once
        var split = await a.BeforeBatchAsync(At(500), CancellationToken.None);

        // Then it waits one second at its 500 rows/s share
        budget.PerShard.ShouldBe(500);
        split.Action.ShouldBe(ThrottleAction.Slow);
        split.Delay.ShouldBe(TimeSpan.FromSeconds(1));

        // When shard b's backfill is over
        budget.Leave("b");
        var alone = await a.BeforeBatchAsync(At(500), CancellationToken.None);

        // Then shard a has the whole budget: the same excess costs half the wait
        budget.PerShard.ShouldBe(1_000);
        alone.Delay.ShouldBe(TimeSpan.FromMilliseconds(500));

        // And once that time has passed it proceeds
        time.Advance(TimeSpan.FromMilliseconds(500));
        (await a.BeforeBatchAsync(At(500), CancellationToken.None)).Action.ShouldBe(ThrottleAction.Proceed);
    }

    [Fact]
    public async Task RowsDoneByAnEarlierRun_DoNotCountAgainstTheFleetBudget()
    {
        // Given a shard resuming a backfill that already did a million rows
        var budget = new FleetRowBudget(100, new ManualTime());

        // When it asks for the first time
        var first = await budget.Share("a").BeforeBatchAsync(At(1_000_000), CancellationToken.None);

        // Then it proceeds
        first.Action.ShouldBe(ThrottleAction.Proceed);
    }

    [Fact]
    public void ANonPositiveBudget_IsRejectedWithAHint()
    {
        // Given / When a zero budget / Then it is refused naming the option
        Should.Throw<SwitchyardException>(() => new FleetRowBudget(0)).Hint!.ShouldContain("--max-rows-per-second");
    }
}
