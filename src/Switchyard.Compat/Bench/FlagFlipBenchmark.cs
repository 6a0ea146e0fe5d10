using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;
using Switchyard.Compat.Flags;

namespace Switchyard.Compat.Bench;

/// <summary>Options of <see cref="FlagFlipBenchmark"/>.</summary>
public sealed record FlagFlipBenchOptions
{
    /// <summary>Library instances, each with its own pool and LISTEN connection.</summary>
    /// <value>The default value is 20.</value>
    public int Instances { get; init; } = 20;

    /// <summary>Flips, one at a time (the next starts when every instance has the previous one).</summary>
    /// <value>The default value is 30.</value>
    public int Flips { get; init; } = 30;

    /// <summary>The flag the benchmark flips; never a real migration's flag.</summary>
    /// <value>The default value is <c>switchyard.bench.flag_flip</c>.</value>
    public string FlagKey { get; init; } = "switchyard.bench.flag_flip";

    /// <summary>How long one instance may take to apply one flip before the run fails.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan FlipTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>What a flag-flip run measured, in milliseconds from just before the UPDATE is sent.</summary>
public sealed record FlagFlipBenchResult(int Instances, int Flips, int Observations, int ByNotification, int ByPoll,
    double P50Ms, double P95Ms, double MaxMs, double BaselineP50Ms, double BaselineMaxMs)
{
    /// <summary>Flip latency p50 over the UPDATE's own round trip p50 (the baseline from the same run).</summary>
    public double Ratio => BaselineP50Ms <= 0 ? 0 : P50Ms / BaselineP50Ms;
}

/// <summary>
/// How long a flag flip takes to reach N library instances through NOTIFY: from just before the UPDATE is sent to
/// each instance applying the new version, next to the UPDATE's own round trip as the baseline. Routine polling is
/// off, so every observation counts as a notification unless the listener failed.
/// </summary>
public sealed class FlagFlipBenchmark
{
    /// <param name="writer">Where the flips are written (needs <c>switchyard.flags</c>).</param>
    /// <param name="instancePool">Creates instance i's own data source.</param>
    public static async Task<FlagFlipBenchResult> RunAsync(NpgsqlDataSource writer, Func<int, NpgsqlDataSource> instancePool, FlagFlipBenchOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(instancePool);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Instances, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Flips, 1);
        await SetAsync(writer, options.FlagKey, "legacy", 0, ct).ConfigureAwait(false);
        var observed = new ConcurrentDictionary<(int Instance, long Version), FlagChange>();
        var instances = new List<(FlagClient Client, NpgsqlDataSource Pool)>();
        try
        {
            for (var i = 0; i < options.Instances; i++)
            {
                var pool = instancePool(i);
                var client = await FlagClient.StartAsync(pool, new FlagClientOptions { PollInterval = Timeout.InfiniteTimeSpan }, null, ct).ConfigureAwait(false);
                var index = i;
                client.Changed += c =>
                {
                    if (c.Flag.FlagKey == options.FlagKey) observed.TryAdd((index, c.Flag.Version), c);
                };
                instances.Add((client, pool));
            }

            var latencies = new List<double>();
            var baseline = new List<double>();
            int byNotification = 0, byPoll = 0;
            for (var flip = 0; flip < options.Flips; flip++)
            {
                var sent = Stopwatch.GetTimestamp();
                var version = await SetAsync(writer, options.FlagKey, flip % 2 == 0 ? "shadow" : "new", flip % 101, ct).ConfigureAwait(false);
                baseline.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                for (var i = 0; i < instances.Count; i++)
                {
                    // Wait for the Changed event itself: the cached flag is updated just before the event is raised.
                    var waitedSince = Stopwatch.GetTimestamp();
                    FlagChange? change;
                    while (!observed.TryGetValue((i, version), out change))
                    {
                        if (Stopwatch.GetElapsedTime(waitedSince) > options.FlipTimeout)
                            throw new TimeoutException($"instance {i} did not apply version {version} of {options.FlagKey} within {options.FlipTimeout.TotalSeconds:0} s (it has version {instances[i].Client.Current(options.FlagKey).Version}); check the instance's LISTEN connection");
                        await Task.Delay(1, ct).ConfigureAwait(false);
                    }
                    latencies.Add(Stopwatch.GetElapsedTime(sent, change.ObservedTimestamp).TotalMilliseconds);
                    if (change.Source == FlagSource.Notification) byNotification++;
                    else byPoll++;
                }
            }
            latencies.Sort();
            baseline.Sort();
            return new FlagFlipBenchResult(options.Instances, options.Flips, latencies.Count, byNotification, byPoll,
                Percentile(latencies, 50), Percentile(latencies, 95), latencies.Count == 0 ? 0 : latencies[^1],
                Percentile(baseline, 50), baseline[^1]);
        }
        finally
        {
            foreach (var (client, pool) in instances)
            {
                await client.DisposeAsync().ConfigureAwait(false);
                await pool.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<long> SetAsync(NpgsqlDataSource writer, string flagKey, string readMode, int percent, CancellationToken ct)
    {
        await using var cmd = writer.CreateCommand("""
            INSERT INTO switchyard.flags AS f (flag_key, read_mode, read_percent, write_mode, updated_at, updated_by)
            VALUES ($1, $2, $3, 'legacy', clock_timestamp(), 'switchyard-bench')
            ON CONFLICT (flag_key) DO UPDATE
            SET read_mode = EXCLUDED.read_mode, read_percent = EXCLUDED.read_percent, version = f.version + 1,
                updated_at = clock_timestamp(), updated_by = EXCLUDED.updated_by
            RETURNING version
            """);
        cmd.Parameters.AddWithValue(flagKey);
        cmd.Parameters.AddWithValue(readMode);
        cmd.Parameters.AddWithValue(percent);
        return (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    private static double Percentile(List<double> sorted, int p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
}
