using Switchyard.Compat.Latency;
using Switchyard.Core.Backfill;
using Switchyard.Core.Guards.Slo;
using Switchyard.Core.Tests.Backfill;

namespace Switchyard.Core.Tests.Guards;

public sealed class LatencySloThrottleTests
{
    /// <summary>A foreground that is always over its SLO: baseline 10 ms, every sample 20 ms.</summary>
    private sealed class SlowForeground : IForegroundLatency
    {
        public string Name => "scripted";
        public Task<ForegroundBaseline> BaselineAsync(string? migration, CancellationToken ct) => Task.FromResult(new ForegroundBaseline(10.0, "scripted"));
        public Task<LatencySample> RecentAsync(double sloMs, CancellationToken ct) => Task.FromResult(LatencySample.P99Only(20.0));
    }

    private static BatchContext Worker(int worker, long rowsDone) => new("m", worker, rowsDone, 1_000_000, 0);

    /// <summary>A controller cut to 100 rows/s by its first sample (worker 0's first batch, let through), then frozen for an hour.</summary>
    private static async Task<(LatencySloThrottle Slo, ManualTime Time)> HeldAtOneHundredRowsPerSecondAsync()
    {
        var time = new ManualTime();
        time.Advance(TimeSpan.FromSeconds(1));
        var options = new LatencySloOptions { SampleInterval = TimeSpan.FromHours(1), MinRowsPerSecond = 100, StartRowsPerSecond = null, ConfirmSamplesOver = 1 };
        var slo = new LatencySloThrottle(new SlowForeground(), options, journal: null, time);
        (await slo.BeforeBatchAsync(Worker(0, 0), CancellationToken.None)).Action.ShouldBe(ThrottleAction.Proceed);
        return (slo, time);
    }

    [Fact]
    public async Task BeforeBatch_UnderALimit_ASecondWorkerWaitsForTheFirstWorkersBatch()
    {
        // Given a controller held at 100 rows/s (over the SLO at the first sample), with decisions frozen
        var (slo, time) = await HeldAtOneHundredRowsPerSecondAsync();
        slo.Last.ShouldNotBeNull().AllowedRowsPerSecond.ShouldBe(100);

        // When worker 0's 100-row batch is done a second later and it starts its next one
        time.Advance(TimeSpan.FromSeconds(1));
        (await slo.BeforeBatchAsync(Worker(0, 100), CancellationToken.None)).Action.ShouldBe(ThrottleAction.Proceed);

        // Then worker 1, asking at the same instant, waits the second that batch's 100 rows cost at 100 rows/s
        var second = await slo.BeforeBatchAsync(Worker(1, 100), CancellationToken.None);
        second.Action.ShouldBe(ThrottleAction.Slow);
        second.Delay.ShouldBe(TimeSpan.FromSeconds(1));

        // And asking again (its batch still not started) does not reserve its rows twice
        (await slo.BeforeBatchAsync(Worker(1, 100), CancellationToken.None)).Delay.ShouldBe(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task BeforeBatch_FirstSampleKeepsTheStartRate_TheStartRateLimitsTheFirstBatches()
    {
        // Given a controller an hour into the clock, starting at its default 1,000 rows/s, whose first sample is over the
        // SLO but not yet confirmed (so the rate is held, not changed)
        var time = new ManualTime();
        time.Advance(TimeSpan.FromHours(1));
        var slo = new LatencySloThrottle(new SlowForeground(), new LatencySloOptions { SampleInterval = TimeSpan.FromHours(1) }, journal: null, time);
        (await slo.BeforeBatchAsync(Worker(0, 0), CancellationToken.None)).Action.ShouldBe(ThrottleAction.Proceed);
        slo.Last.ShouldNotBeNull().Change.ShouldBe(SloChange.Hold);
        slo.Last.AllowedRowsPerSecond.ShouldBe(1_000);

        // When the first worker has done 1,000 rows a tenth of a second later and asks for its next batch
        time.Advance(TimeSpan.FromMilliseconds(100));
        var next = await slo.BeforeBatchAsync(Worker(0, 1_000), CancellationToken.None);

        // Then it waits until 1,000 rows/s has allowed them: 0.9 s more
        next.Action.ShouldBe(ThrottleAction.Slow);
        next.Delay.ShouldBe(TimeSpan.FromMilliseconds(900));
    }

    [Fact]
    public async Task BeforeBatch_AfterAStallUnderALimit_BanksOneBatchNotTheWholeStall()
    {
        // Given a controller held at 100 rows/s with decisions frozen, and a worker on schedule with 100-row batches
        var (slo, time) = await HeldAtOneHundredRowsPerSecondAsync();
        time.Advance(TimeSpan.FromSeconds(1));
        (await slo.BeforeBatchAsync(Worker(0, 100), CancellationToken.None)).Action.ShouldBe(ThrottleAction.Proceed);

        // When its next batch took 10 s (a stall) and it then runs batches back to back
        time.Advance(TimeSpan.FromSeconds(10));
        var afterStall = await slo.BeforeBatchAsync(Worker(0, 200), CancellationToken.None);
        var onCredit = await slo.BeforeBatchAsync(Worker(0, 300), CancellationToken.None);
        var beyond = await slo.BeforeBatchAsync(Worker(0, 400), CancellationToken.None);

        // Then one batch beyond schedule goes at once, and the next waits for the rate instead of spending 10 s of credit
        afterStall.Action.ShouldBe(ThrottleAction.Proceed);
        onCredit.Action.ShouldBe(ThrottleAction.Proceed);
        beyond.Action.ShouldBe(ThrottleAction.Slow);
        beyond.Delay.ShouldBe(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void LatencyFeed_MoreOperationsThanItKeeps_KeepsAUniformSampleAndCountsThemAll()
    {
        // Given a feed keeping 100 latencies per interval
        var feed = new LatencyFeed(capacity: 100, seed: 3);

        // When 10,000 operations of 1..10,000 µs are recorded
        for (var us = 1; us <= 10_000; us++) feed.Record(TimeSpan.FromMicroseconds(us));
        var (operations, samples) = feed.Drain();

        // Then all are counted, 100 are kept, spread over the range rather than the first 100
        operations.ShouldBe(10_000);
        samples.Length.ShouldBe(100);
        samples.ShouldAllBe(us => us >= 1 && us <= 10_000);
        samples.Count(us => us > 5_000).ShouldBeInRange(30, 70);

        // And the next interval starts empty
        feed.Drain().Operations.ShouldBe(0);
    }
}
