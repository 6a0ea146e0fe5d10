using System.Globalization;
using Switchyard.Compat.Bench;
using Switchyard.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Switchyard.IntegrationTests.Compat;

/// <summary>
/// Benchmark-like: how long a flag flip takes to reach 20 instances through NOTIFY (the same code as
/// <c>switchyard bench flags</c>). Prints p50/p95/max next to the UPDATE's own round trip from the same run. Asserts
/// only that every instance got every flip, by notification — never a duration.
/// Re-run: dotnet test tests/Switchyard.IntegrationTests --filter FlagFlipLatencyBenchmark --logger "console;verbosity=detailed"
/// </summary>
public sealed class FlagFlipLatencyBenchmark : IClassFixture<TestDatabase>
{
    private readonly TestDatabase _db;
    private readonly ITestOutputHelper _output;

    public FlagFlipLatencyBenchmark(TestDatabase db, ITestOutputHelper output)
    {
        _db = db;
        _output = output;
    }

    [Fact]
    public async Task FlipLatency_To20Instances_IsMeasuredAndEveryFlipArrivesByNotification()
    {
        // Given 20 instances (own pools), listening, with routine polling off
        await FlagStore.EnsureAsync(_db);

        // When a flag flips 30 times, one at a time
        var r = await FlagFlipBenchmark.RunAsync(_db.DataSource, i => _db.NewDataSource($"compat-bench-{i}"),
            new FlagFlipBenchOptions { Instances = 20, Flips = 30 }, CancellationToken.None);

        // Then every instance applied every flip, each from a notification
        r.Observations.ShouldBe(20 * 30);
        r.ByNotification.ShouldBe(20 * 30);
        r.ByPoll.ShouldBe(0);
        var report = string.Create(CultureInfo.InvariantCulture,
            $"flag flip → {r.Instances} instances via NOTIFY, {r.Flips} flips, {r.Observations} observations: " +
            $"p50={r.P50Ms:F2} ms p95={r.P95Ms:F2} ms max={r.MaxMs:F2} ms; baseline UPDATE round trip p50={r.BaselineP50Ms:F2} ms " +
            $"max={r.BaselineMaxMs:F2} ms; ratio p50/baseline={r.Ratio:F2}");
        _output.WriteLine(report);
        Console.WriteLine(report);
    }
}
