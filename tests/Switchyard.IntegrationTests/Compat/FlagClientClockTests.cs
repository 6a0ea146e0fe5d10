using Microsoft.Extensions.Time.Testing;
using Switchyard.Compat.Flags;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Compat;

/// <summary>The flag client's polling cadence, driven by a fake clock (the database is real).</summary>
public sealed class FlagClientClockTests : IClassFixture<TestDatabase>
{
    private readonly TestDatabase _db;

    public FlagClientClockTests(TestDatabase db) => _db = db;

    private static async Task AdvanceUntilAsync(FakeTimeProvider clock, TimeSpan step, Func<bool> done)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!done())
        {
            clock.Advance(step);
            await Task.Delay(20, limit.Token);
        }
    }

    [Fact]
    public async Task Poll_WithoutAListener_NothingIsPolledUntilTheClockReachesTheInterval()
    {
        // Given a non-listening client polling every 2 s of a fake clock
        await FlagStore.EnsureAsync(_db);
        await FlagStore.SetAsync(_db.DataSource, "public.clock.status", ReadMode.Legacy, 0, WriteMode.Legacy);
        var clock = new FakeTimeProvider();
        await using var client = await FlagClient.StartAsync(_db.DataSource, new FlagClientOptions { Listen = false, DisconnectedPollInterval = TimeSpan.FromSeconds(2), TimeProvider = clock });

        // When the flag changes and real time passes but the clock does not
        var version = await FlagStore.SetAsync(_db.DataSource, "public.clock.status", ReadMode.Shadow, 0, WriteMode.Both);
        await Task.Delay(300);

        // Then nothing was polled
        client.Polls.ShouldBe(0);
        client.Current("public.clock.status").Version.ShouldBeLessThan(version);

        // And once the clock moves past the interval the poller brings the change in
        await AdvanceUntilAsync(clock, TimeSpan.FromSeconds(1), () => client.Current("public.clock.status").Version >= version);
        client.Polls.ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task SafetyNetPoll_WhileListening_WaitsForItsOwnInterval()
    {
        // Given a listening client with a 5 s safety-net poll on a fake clock
        await FlagStore.EnsureAsync(_db);
        var clock = new FakeTimeProvider();
        await using var client = await FlagClient.StartAsync(_db.DataSource, new FlagClientOptions { PollInterval = TimeSpan.FromSeconds(5), TimeProvider = clock });
        client.IsListening.ShouldBeTrue();

        // When the clock advances 4 s in 1 s steps
        for (var i = 0; i < 4; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(50);
        }

        // Then no poll ran (the listener is healthy), and after the 5th second one does
        client.Polls.ShouldBe(0);
        await AdvanceUntilAsync(clock, TimeSpan.FromSeconds(1), () => client.Polls >= 1);
    }
}
