using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Switchyard.Compat.Flags;
using Switchyard.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Switchyard.IntegrationTests.Compat;

/// <summary>
/// Benchmark-like: how long a flag flip takes to reach 20 instances through NOTIFY, measured from just before the
/// UPDATE is sent to each instance applying it. Prints p50/p95/max next to the UPDATE's own round trip measured in the
/// same run (the baseline). Asserts only that every instance got every flip by notification — never a duration.
/// Re-run: dotnet test tests/Switchyard.IntegrationTests --filter FlagFlipLatencyBenchmark --logger "console;verbosity=detailed"
/// </summary>
public sealed class FlagFlipLatencyBenchmark : IClassFixture<TestDatabase>
{
    private const string Flag = "public.transactions.status";
    private const int Instances = 20;
    private const int Flips = 30;
    private readonly TestDatabase _db;
    private readonly ITestOutputHelper _output;

    public FlagFlipLatencyBenchmark(TestDatabase db, ITestOutputHelper output)
    {
        _db = db;
        _output = output;
    }

    [Fact]
    public async Task Flip_Latency_To_20_Instances_Is_Measured_And_Every_Flip_Arrives_By_Notification()
    {
        // Given 20 instances (own pools), listening, with routine polling off
        await FlagStore.EnsureAsync(_db);
        await FlagStore.SetAsync(_db.DataSource, Flag, ReadMode.Legacy, 0, WriteMode.Legacy);
        var observed = new ConcurrentDictionary<(int Instance, long Version), FlagChange>();
        var instances = new List<(FlagClient Client, Npgsql.NpgsqlDataSource Pool)>();
        try
        {
            for (var i = 0; i < Instances; i++)
            {
                var pool = _db.NewDataSource($"compat-bench-{i}");
                var client = await FlagClient.StartAsync(pool, new FlagClientOptions { PollInterval = Timeout.InfiniteTimeSpan });
                var index = i;
                client.Changed += c => observed.TryAdd((index, c.Flag.Version), c);
                instances.Add((client, pool));
            }

            // When the flag flips 30 times, one at a time
            var latenciesMs = new List<double>();
            var updateRoundTripMs = new List<double>();
            for (var flip = 0; flip < Flips; flip++)
            {
                var mode = flip % 2 == 0 ? ReadMode.Shadow : ReadMode.New;
                var sent = Stopwatch.GetTimestamp();
                var version = await FlagStore.SetAsync(_db.DataSource, Flag, mode, flip % 100, WriteMode.Both);
                updateRoundTripMs.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                foreach (var (client, _) in instances) await FlagStore.WaitForVersionAsync(client, Flag, version);
                for (var i = 0; i < Instances; i++)
                {
                    var change = observed[(i, version)];
                    // Then each instance learned it from a notification
                    change.Source.ShouldBe(FlagSource.Notification);
                    latenciesMs.Add(Stopwatch.GetElapsedTime(sent, change.ObservedTimestamp).TotalMilliseconds);
                }
            }
            instances.ShouldAllBe(i => i.Client.Polls == 0);

            latenciesMs.Sort();
            updateRoundTripMs.Sort();
            var report = string.Create(CultureInfo.InvariantCulture,
                $"flag flip → {Instances} instances via NOTIFY, {Flips} flips, {latenciesMs.Count} observations: " +
                $"p50={Percentile(latenciesMs, 50):F2} ms p95={Percentile(latenciesMs, 95):F2} ms max={latenciesMs[^1]:F2} ms; " +
                $"baseline UPDATE round trip p50={Percentile(updateRoundTripMs, 50):F2} ms max={updateRoundTripMs[^1]:F2} ms; " +
                $"ratio p50/baseline={Percentile(latenciesMs, 50) / Percentile(updateRoundTripMs, 50):F2}");
            _output.WriteLine(report);
            Console.WriteLine(report);
            latenciesMs.Count.ShouldBe(Instances * Flips);
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

    private static double Percentile(List<double> sorted, int p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
}
