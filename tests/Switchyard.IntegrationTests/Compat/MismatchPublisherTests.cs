using Switchyard.Compat.Mismatches;
using Switchyard.Core.Guards;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Compat;

public sealed class MismatchPublisherTests : IClassFixture<TestDatabase>
{
    private const string Flag = "public.transactions.status";
    private readonly TestDatabase _db;

    public MismatchPublisherTests(TestDatabase db) => _db = db;

    [Fact]
    public async Task Publisher_TimerThenDispose_PublishesNewFiguresThenTheLastOnes()
    {
        // Given a publisher on a short interval and a recorder that has seen one mismatch
        using var recorder = new MismatchRecorder();
        recorder.Record(Flag, "acct-1", matched: true);
        recorder.Record(Flag, "acct-2", matched: false);
        var publisher = await MismatchPublisher.StartAsync(_db.DataSource, recorder, new MismatchPublisherOptions { InstanceId = "timer", Interval = TimeSpan.FromMilliseconds(100) });

        // When the timer has run (no explicit publish)
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            while (await _db.ScalarAsync<long>("SELECT coalesce(sum(reads), 0)::bigint FROM switchyard.compat_mismatches WHERE instance_id = 'timer'") < 2)
                await Task.Delay(20, wait.Token);

        // Then the row holds the figures and the sample key
        (await _db.ScalarAsync<string[]>("SELECT sample_keys FROM switchyard.compat_mismatches WHERE instance_id = 'timer'")).ShouldBe(["acct-2"]);

        // And figures recorded just before shutdown are not lost
        recorder.Record(Flag, "acct-3", matched: false);
        await publisher.DisposeAsync();
        (await _db.ScalarAsync<long>("SELECT mismatches FROM switchyard.compat_mismatches WHERE instance_id = 'timer'")).ShouldBe(2);
    }

    [Fact]
    public async Task GuardsMismatchSignal_ReadsWhatTheLibraryPublishes()
    {
        // Given an instance that compared 400 reads with 12 mismatches and published them
        using var recorder = new MismatchRecorder();
        for (var i = 0; i < 400; i++) recorder.Record("public.signal.status", i.ToString(System.Globalization.CultureInfo.InvariantCulture), matched: i % 100 >= 3);
        await using (var publisher = await MismatchPublisher.StartAsync(_db.DataSource, recorder, new MismatchPublisherOptions { InstanceId = "signal", Interval = TimeSpan.FromHours(1) }))
            await publisher.PublishAsync();

        // When the engine's guard signal reads the table
        var readings = await new MismatchRateSignal(_db.Runner(), minReads: 100, window: TimeSpan.FromMinutes(5)).ReadAsync(CancellationToken.None);

        // Then it sees the rate the library measured
        recorder.Snapshot("public.signal.status").Rate.ShouldBe(0.03, 1e-12);
        readings.Single(r => r.Subject == "public.signal.status").Value!.Value.ShouldBe(0.03, 1e-12);
    }
}
