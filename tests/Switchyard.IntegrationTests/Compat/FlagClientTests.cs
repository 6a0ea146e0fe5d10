using System.Collections.Concurrent;
using Switchyard.Compat.Flags;
using Switchyard.Core.Journal;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Compat;

public sealed class FlagClientTests : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private const string Flag = "public.transactions.status";
    private readonly TestDatabase _db;

    public FlagClientTests(TestDatabase db) => _db = db;

    public Task InitializeAsync() => FlagStore.EnsureAsync(_db);

    public Task DisposeAsync() => Task.CompletedTask;

    private static readonly FlagClientOptions NotifyOnly = new() { PollInterval = Timeout.InfiniteTimeSpan };

    [Fact]
    public void Channel_IsTheOneTheEngineNotifiesOn()
    {
        FlagClientOptions.Channel.ShouldBe(JournalSchema.FlagsChannel);
    }

    [Fact]
    public async Task Start_StoredAndUnknownKeys_LoadsTheStoredFlagsAndUnknownKeysReadAsLegacy()
    {
        // Given a stored flag
        var version = await FlagStore.SetAsync(_db.DataSource, "public.start.status", ReadMode.Shadow, 0, WriteMode.Both);

        // When a client starts
        await using var client = await FlagClient.StartAsync(_db.DataSource, NotifyOnly);

        // Then it has the flag as stored, and a key with no row is all-legacy
        var flag = client.Current("public.start.status");
        flag.ReadMode.ShouldBe(ReadMode.Shadow);
        flag.WriteMode.ShouldBe(WriteMode.Both);
        flag.Version.ShouldBe(version);
        client.Current("public.nothing.here").ShouldBe(CompatFlag.Default("public.nothing.here"));
        client.IsListening.ShouldBeTrue();
    }

    [Fact]
    public async Task Flip_PollingOff_Reaches20InstancesThroughNotify()
    {
        // Given 20 library instances, each with its own pool, listening, with routine polling off
        await FlagStore.SetAsync(_db.DataSource, Flag, ReadMode.Legacy, 0, WriteMode.Legacy);
        var instances = new List<(FlagClient Client, Npgsql.NpgsqlDataSource Pool)>();
        var seen = new ConcurrentDictionary<int, FlagChange>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                var pool = _db.NewDataSource($"compat-instance-{i}");
                var client = await FlagClient.StartAsync(pool, NotifyOnly);
                var index = i;
                client.Changed += change =>
                {
                    if (change.Flag.FlagKey == Flag && change.Flag.ReadMode == ReadMode.Shadow) seen.TryAdd(index, change);
                };
                instances.Add((client, pool));
            }
            (await _db.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'compat-instance-%' AND query = 'LISTEN switchyard_flags'")).ShouldBe(20);

            // When the flag flips once
            var version = await FlagStore.SetAsync(_db.DataSource, Flag, ReadMode.Shadow, 0, WriteMode.Both);
            foreach (var (client, _) in instances) await FlagStore.WaitForVersionAsync(client, Flag, version);
            // A client stores the new version before it raises Changed: wait for the events too, not only the version.
            using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
                while (seen.Count < 20) await Task.Delay(10, wait.Token);

            // Then all 20 have the new version, each learned it from a notification, and none polled
            seen.Count.ShouldBe(20);
            seen.Values.ShouldAllBe(c => c.Source == FlagSource.Notification && c.Flag.Version == version);
            instances.ShouldAllBe(i => i.Client.Polls == 0 && i.Client.NotificationsReceived >= 1);
            instances.ShouldAllBe(i => i.Client.Current(Flag).ReadMode == ReadMode.Shadow && i.Client.Current(Flag).WriteMode == WriteMode.Both);
        }
        finally
        {
            foreach (var (client, pool) in instances)
            {
                await client.DisposeAsync();
                await pool.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Flip_WithoutAListener_PollingPicksUpTheChange()
    {
        // Given a client that does not listen and polls every 200 ms
        await FlagStore.SetAsync(_db.DataSource, "public.poll.status", ReadMode.Legacy, 0, WriteMode.Legacy);
        await using var client = await FlagClient.StartAsync(_db.DataSource, new FlagClientOptions { Listen = false, DisconnectedPollInterval = TimeSpan.FromMilliseconds(200) });
        var sources = new ConcurrentQueue<FlagSource>();
        client.Changed += c => sources.Enqueue(c.Source);

        // When the flag changes
        var version = await FlagStore.SetAsync(_db.DataSource, "public.poll.status", ReadMode.New, 10, WriteMode.Both);

        // Then the poller brings it in
        var flag = await FlagStore.WaitForVersionAsync(client, "public.poll.status", version);
        flag.ReadPercent.ShouldBe(10);
        sources.ShouldContain(FlagSource.Poll);
        sources.ShouldNotContain(FlagSource.Notification);
        client.NotificationsReceived.ShouldBe(0);
        client.IsListening.ShouldBeFalse();
    }

    [Fact]
    public async Task Listener_Killed_ReconnectsReloadsAndHearsLaterFlips()
    {
        // Given a listening client on its own pool, with routine polling off
        await using var pool = _db.NewDataSource("compat-reconnect");
        await FlagStore.SetAsync(_db.DataSource, "public.reconnect.status", ReadMode.Legacy, 0, WriteMode.Legacy);
        await using var client = await FlagClient.StartAsync(pool, NotifyOnly with { ReconnectMinDelay = TimeSpan.FromMilliseconds(50) });
        var sources = new ConcurrentQueue<FlagChange>();
        client.Changed += c => sources.Enqueue(c);

        // When its LISTEN session is terminated, and a flip is committed while it may be deaf
        (await _db.ScalarAsync<bool>("SELECT bool_and(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'compat-reconnect' AND query LIKE 'LISTEN%'")).ShouldBeTrue();
        var missed = await FlagStore.SetAsync(_db.DataSource, "public.reconnect.status", ReadMode.Shadow, 0, WriteMode.Both);

        // Then it reconnects and the flip arrives (by the post-reconnect reload or a notification)
        await FlagStore.WaitForVersionAsync(client, "public.reconnect.status", missed);
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            while (client.Reconnects < 1 || !client.IsListening) await Task.Delay(10, wait.Token);

        // And a later flip comes through the new LISTEN connection
        var later = await FlagStore.SetAsync(_db.DataSource, "public.reconnect.status", ReadMode.New, 5, WriteMode.Both);
        await FlagStore.WaitForVersionAsync(client, "public.reconnect.status", later);
        sources.Last().Source.ShouldBe(FlagSource.Notification);
        sources.Last().Flag.Version.ShouldBe(later);
        client.Polls.ShouldBe(0);
    }

    [Fact]
    public async Task Start_DatabaseWithoutTheFlagStore_ReadsLegacyUntilTheEngineCreatesIt()
    {
        // Given a database where the engine has not run
        var bare = new TestDatabase();
        await bare.InitializeAsync();
        try
        {
            // When a client starts there
            await using var client = await FlagClient.StartAsync(bare.DataSource, new FlagClientOptions { DisconnectedPollInterval = TimeSpan.FromMilliseconds(200) });

            // Then every flag is legacy, and nothing failed
            client.Current(Flag).ReadMode.ShouldBe(ReadMode.Legacy);
            client.All.ShouldBeEmpty();

            // And once the engine creates the store and sets a flag, the client sees it
            await FlagStore.EnsureAsync(bare);
            var version = await FlagStore.SetAsync(bare.DataSource, Flag, ReadMode.Shadow, 0, WriteMode.Both);
            (await FlagStore.WaitForVersionAsync(client, Flag, version)).ReadMode.ShouldBe(ReadMode.Shadow);
        }
        finally
        {
            await bare.DisposeAsync();
        }
    }

    [Fact]
    public async Task Dispose_ClosesTheListenerAndStopsUpdating()
    {
        // Given a running client on its own pool
        var pool = _db.NewDataSource("compat-dispose");
        var client = await FlagClient.StartAsync(pool, NotifyOnly);
        var before = client.Current(Flag).Version;

        // When it is disposed and its pool closed
        await client.DisposeAsync();
        await pool.DisposeAsync();
        await FlagStore.SetAsync(_db.DataSource, Flag, ReadMode.Legacy, 0, WriteMode.Legacy);

        // Then no session of it is left (a closed backend leaves pg_stat_activity a moment later), and its cache no longer moves
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
            while (await _db.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'compat-dispose'") > 0)
                await Task.Delay(20, wait.Token);
        client.IsListening.ShouldBeFalse();
        await Task.Delay(300);
        client.Current(Flag).Version.ShouldBe(before);
    }

    [Fact]
    public async Task Refresh_OlderVersion_NeverReplacesANewerOne()
    {
        // Given a client holding version N
        var version = await FlagStore.SetAsync(_db.DataSource, "public.order.status", ReadMode.Shadow, 0, WriteMode.Both);
        await using var client = await FlagClient.StartAsync(_db.DataSource, NotifyOnly);
        await FlagStore.WaitForVersionAsync(client, "public.order.status", version);

        // When the row is rewritten with an older version (a stale writer)
        await _db.ExecuteAsync($"UPDATE switchyard.flags SET read_mode = 'legacy', version = {version - 1} WHERE flag_key = 'public.order.status'");
        await client.RefreshAsync();

        // Then the cache keeps the newer value
        client.Current("public.order.status").ReadMode.ShouldBe(ReadMode.Shadow);
        client.Current("public.order.status").Version.ShouldBe(version);
    }
}
