using System.Text.Json;
using Switchyard.Compat.Latency;
using Switchyard.Core.Backfill;
using Switchyard.Core.Guards;
using Switchyard.Core.Guards.Slo;
using Switchyard.Core.Journal;
using Switchyard.IntegrationTests.Backfill;

namespace Switchyard.IntegrationTests.Guards;

/// <summary>Issue 18 item 1: the latency SLO held on the latency applications publish through Switchyard.Compat.</summary>
public sealed class AppLatencySloTests : IClassFixture<ExpandedLedger>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private readonly ExpandedLedger _db;

    public AppLatencySloTests(ExpandedLedger db) => _db = db;

    [Fact]
    public async Task AppLatencyFeed_TwoInstancesPublish_ReadsTheP99OfEveryOperationThenOnlyNewOnes()
    {
        // Given two app instances that published 600 and 1,000 latencies
        await ForgetPublishedAsync();
        var a = new LatencyFeed();
        var b = new LatencyFeed();
        var all = new List<int>();
        for (var ms = 1; ms <= 600; ms++) Record(a, ms, all);
        for (var i = 0; i < 1_000; i++) Record(b, 5, all);
        await PublishOnceAsync(a, "feed-a");
        await PublishOnceAsync(b, "feed-b");
        var feed = new AppLatencyFeed(_db.DataSource, new AppLatencyOptions { BaselineWindow = TimeSpan.FromMinutes(1), MinBaselineOperations = 1_000, MinSampleOperations = 50 }, TimeProvider.System);

        // When the controller's feed takes the baseline
        (await feed.IsActiveAsync(CancellationToken.None)).ShouldBeTrue();
        var baseline = (await feed.BaselineAsync(null, CancellationToken.None)).P99Ms;

        // Then it is the p99 over both instances' operations together (percentile_disc: the value at rank ceil(0.99 n))
        baseline.ShouldBe(P99(all));

        // When one instance publishes 100 more operations, 40 of them over a 30 ms SLO, Then a sample reads only those
        for (var i = 0; i < 60; i++) Record(a, 20, all);
        for (var i = 0; i < 40; i++) Record(a, 50, all);
        await PublishOnceAsync(a, "feed-a");
        (await feed.RecentAsync(30, CancellationToken.None)).ShouldBe(new LatencySample(50, 100, 40));

        // And with nothing new, it widens to the quiet window rather than report nothing, counting no operation twice
        (await feed.RecentAsync(30, CancellationToken.None)).ShouldBe(new LatencySample(P99(all), 0, 0));
    }

    [Fact]
    public async Task AppLatencyFeed_MigrationStartedWithinTheFeed_BaselineIsTheWindowBeforeItsFirstStep()
    {
        // Given 5 ms payments until a migration's first step 20 s ago, and 40 ms payments since (its Expand, a deploy)
        await ForgetPublishedAsync();
        await JournalSchema.EnsureAsync(_db.Runner(), CancellationToken.None);
        await PublishedAtAsync(secondsAgo: 35, ms: 5);
        await PublishedAtAsync(secondsAgo: 25, ms: 5);
        await MigrationWithFirstStepAsync("baseline-recent-start", secondsAgo: 20);
        await PublishedAtAsync(secondsAgo: 12, ms: 40);
        await PublishedAtAsync(secondsAgo: 2, ms: 40);
        await MigrationWithFirstStepAsync("baseline-old-start", secondsAgo: 600);
        var options = new AppLatencyOptions { BaselineWindow = TimeSpan.FromSeconds(20), MinBaselineOperations = 300 };

        // When the backfill of the migration that started 20 s ago takes its baseline
        var recent = await new AppLatencyFeed(_db.DataSource, options, TimeProvider.System).BaselineAsync("baseline-recent-start", CancellationToken.None);

        // Then it is the payments before that migration touched anything, and says so
        recent.P99Ms.ShouldBe(5);
        recent.Window.ShouldStartWith("the 20 s before the migration's first step at ");

        // When the migration started before anything the feed still holds, or the journal does not know it
        var old = await new AppLatencyFeed(_db.DataSource, options, TimeProvider.System).BaselineAsync("baseline-old-start", CancellationToken.None);
        var unknown = await new AppLatencyFeed(_db.DataSource, options, TimeProvider.System).BaselineAsync("baseline-not-journaled", CancellationToken.None);

        // Then the baseline is the last 20 s, as before
        old.ShouldBe(new ForegroundBaseline(40, "the last 20 s"));
        unknown.ShouldBe(new ForegroundBaseline(40, "the last 20 s"));
    }

    [Fact]
    public async Task SloThrottle_AppsSlowDown_PausesThenResumesTheBackfillOnTheirLatency()
    {
        // Given apps publishing 20 ms operations every 50 ms, and a controller on the application feed
        await _db.ResetAsync();
        await ForgetPublishedAsync();
        var before = await _db.InvariantsAsync();
        const string migration = "slo-app-feed";
        using var appsStop = new CancellationTokenSource();
        var currentMs = 20;
        var feed = new LatencyFeed();
        await using var publisher = await LatencyPublisher.StartAsync(_db.DataSource, feed, new LatencyPublisherOptions { InstanceId = "payments-1", Interval = TimeSpan.FromMilliseconds(50) });
        var apps = Task.Run(async () =>
        {
            while (!appsStop.IsCancellationRequested)
            {
                feed.Record(TimeSpan.FromMilliseconds(Volatile.Read(ref currentMs)));
                await Task.Delay(2);
            }
        });
        var options = new LatencySloOptions
        {
            // Starts without a limit: a first sample that still holds the apps' fast operations is then a hold, not a
            // slow-start doubling ahead of the pause this test asserts (slow start has its own tests).
            StartRowsPerSecond = null,
            SampleInterval = TimeSpan.FromMilliseconds(100),
            MinRowsPerSecond = 50,
            IncreaseRowsPerSecond = 3_000,
            PauseAfterSamplesOver = 1_000,
            App = new AppLatencyOptions { BaselineWindow = TimeSpan.FromSeconds(2), MinBaselineOperations = 20, MinSampleOperations = 5 },
        };
        await WaitForOperationsAsync(200);
        var slo = await LatencySloThrottle.CreateAsync(_db.DataSource, options, CancellationToken.None);
        var firstEvent = await _db.ScalarAsync<long?>("SELECT max(id) FROM switchyard.events") ?? 0;
        (await slo.CaptureBaselineAsync(migration, CancellationToken.None)).ShouldBe(20);

        // When the apps' operations take 100 ms (over 2x the 30 ms SLO) while the backfill runs
        Volatile.Write(ref currentMs, 100);
        var run = _db.Backfill().RunAsync(new BackfillRequest(migration, ExpandedLedger.Target, ExpandedLedger.SmallBatches()), [slo], null, CancellationToken.None);

        // Then the backfill pauses on the apps' p99
        await UntilAsync(async () => (await GuardJournalRows.ReadAsync(_db.DataSource, firstEvent)).Any(r => r.Action == "pause" && r.Data.Contains(LatencySloThrottle.Source)));
        await UntilAsync(async () => await _db.RunStateAsync(migration) == "paused");
        run.IsCompleted.ShouldBeFalse();

        // When the apps are fast again, Then it resumes and completes
        Volatile.Write(ref currentMs, 20);
        var outcome = await run.WaitAsync(Patience);
        await appsStop.CancelAsync();
        await apps;
        outcome.ShouldBeOfType<BackfillCompleted>();

        // And the journal names the source and the values behind each decision
        var rows = (await GuardJournalRows.ReadAsync(_db.DataSource, firstEvent)).Where(r => r.Data.Contains(LatencySloThrottle.Source)).ToList();
        rows.Select(r => r.Action).Take(3).ShouldBe(["baseline", "pause", "resume"]);
        rows[0].Message.ShouldContain("application latency (switchyard.compat_latency)");
        var pause = JsonDocument.Parse(rows[1].Data).RootElement;
        pause.GetProperty("latency").GetString().ShouldBe("application latency (switchyard.compat_latency)");
        pause.GetProperty("p99_ms").GetDouble().ShouldBeGreaterThanOrEqualTo(60);
        pause.GetProperty("slo_ms").GetDouble().ShouldBe(30);
        var after = await _db.InvariantsAsync();
        after.SameMoneyAs(before).ShouldBeTrue();
        after.StateMissing.ShouldBe(0);
    }

    [Fact]
    public async Task SloThrottle_NoAppPublishes_AppSourcePausesAndAutoFallsBackToTheCanary()
    {
        // Given a feed that cannot hold a baseline (no instance published a million operations)
        var silent = new AppLatencyOptions { MinBaselineOperations = 1_000_000 };
        var firstEvent = await _db.ScalarAsync<long?>("SELECT max(id) FROM switchyard.events") ?? 0;

        // When the controller must use the application feed, Then a batch is held with the reason
        var appOnly = await LatencySloThrottle.CreateAsync(_db.DataSource, new LatencySloOptions { Source = LatencySource.App, App = silent }, CancellationToken.None);
        var held = await appOnly.BeforeBatchAsync(new BatchContext("slo-app-silent", 0, 0, 0, 0), CancellationToken.None);
        held.Action.ShouldBe(ThrottleAction.Pause);
        held.Reason.ShouldNotBeNull().ShouldContain("no baseline from application latency");
        (await GuardJournalRows.ReadAsync(_db.DataSource, firstEvent)).ShouldContain(r => r.Message.Contains("latency SLO pause: no baseline from application latency"));

        // When it may choose, Then it takes the canary's baseline and lets the batch run
        var auto = await LatencySloThrottle.CreateAsync(_db.DataSource, new LatencySloOptions { App = silent }, CancellationToken.None);
        var proceed = await auto.BeforeBatchAsync(new BatchContext("slo-app-auto", 0, 0, 0, 0), CancellationToken.None);
        proceed.Action.ShouldBe(ThrottleAction.Proceed, proceed.Reason);
        (await GuardJournalRows.ReadAsync(_db.DataSource, firstEvent)).ShouldContain(r => r.Action == "baseline" && r.Message.Contains("(canary probe, "));
    }

    /// <summary>percentile_disc(0.99): the value at rank ceil(0.99 n).</summary>
    private static int P99(List<int> values) => values.Order().ElementAt((int)Math.Ceiling(0.99 * values.Count) - 1);

    /// <summary>Other tests of this class publish into the same database: each starts from an empty feed.</summary>
    private async Task ForgetPublishedAsync()
    {
        await CompatLatencyTable.EnsureAsync(_db.DataSource, CancellationToken.None);
        await _db.ExecuteAsync("TRUNCATE switchyard.compat_latency");
    }

    /// <summary>One instance's 200 operations of <paramref name="ms"/> each, published that many seconds ago.</summary>
    private Task PublishedAtAsync(int secondsAgo, int ms) => _db.Runner().ExecuteAsync("""
        INSERT INTO switchyard.compat_latency (instance_id, published_at, operations, samples_us)
        VALUES ('payments-history', clock_timestamp() - make_interval(secs => $1), 200, array_fill($2, ARRAY[200]))
        """, CancellationToken.None, (double)secondsAgo, ms * 1000);

    /// <summary>A journaled migration whose only step started that many seconds ago.</summary>
    private async Task MigrationWithFirstStepAsync(string name, int secondsAgo)
    {
        await _db.Runner().ExecuteAsync("INSERT INTO switchyard.migrations (name, target_table, spec_checksum) VALUES ($1, 'public.transactions', 'test')",
            CancellationToken.None, name);
        await _db.Runner().ExecuteAsync("""
            INSERT INTO switchyard.steps (migration_id, phase, step_key, description, sql, status, started_at)
            SELECT id, 'expand', 'expand:1', 'a step', 'SELECT 1', 'done', clock_timestamp() - make_interval(secs => $2)
            FROM switchyard.migrations WHERE name = $1
            """, CancellationToken.None, name, (double)secondsAgo);
    }

    private static void Record(LatencyFeed feed, int ms, List<int> all)
    {
        feed.Record(TimeSpan.FromMilliseconds(ms));
        all.Add(ms);
    }

    private async Task PublishOnceAsync(LatencyFeed feed, string instance)
    {
        await using var publisher = await LatencyPublisher.StartAsync(_db.DataSource, feed, new LatencyPublisherOptions { InstanceId = instance, Interval = TimeSpan.FromHours(1), Retention = TimeSpan.FromHours(2) });
        await publisher.PublishAsync();
    }

    private async Task WaitForOperationsAsync(long operations) =>
        await UntilAsync(async () => await _db.ScalarAsync<long?>(
            "SELECT sum(operations)::bigint FROM switchyard.compat_latency WHERE instance_id = 'payments-1'") >= operations);

    /// <summary>Polls a condition; the bound only keeps a broken controller from hanging the suite.</summary>
    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!await condition()) await Task.Delay(50, timeout.Token);
    }
}
