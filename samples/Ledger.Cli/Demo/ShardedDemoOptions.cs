using Switchyard.Core;

namespace Switchyard.Samples.Ledger.Cli.Demo;

/// <summary>
/// <c>demo --shards N</c>: the single demo's settings, run on N managed clusters under one fleet file. The rows and the
/// payments rate are the whole fleet's, split evenly across the shards, so a sharded run loads the box like the single one.
/// </summary>
internal sealed record ShardedDemoOptions(DemoOptions Demo, int Shards)
{
    public const int MaxShards = 8;

    /// <summary>The shard whose standby's replay is paused with <c>--faults</c> (the second, as issue 19 asks).</summary>
    public const int FaultShardIndex = 1;

    public static string ShardName(int index) => $"shard-{index + 1}";

    /// <summary>Each shard's cluster lives in its own home folder under the demo's home.</summary>
    public string ShardHome(int index) => Path.Combine(Demo.Cluster.Home, ShardName(index));

    public string FleetFile => Path.Combine(Demo.Cluster.Home, "fleet.yaml");

    public string FleetName => "ledger-demo";

    public long RowsPerShard => Demo.Rows / Shards;

    public double OperationsPerSecondPerShard => Demo.OperationsPerSecond / Shards;

    public void Validate()
    {
        Demo.Validate();
        if (Shards is < 2 or > MaxShards)
            throw new SwitchyardException($"--shards must be 1 (the single demo) or 2 to {MaxShards} for a sharded run, got {Shards}.", "Pass --shards 3.");
        if (Demo.Migration.IsEf)
            throw new SwitchyardException("--ef cannot be combined with --shards: fleets apply the flagship spec (apply --fleet).", "Drop --ef, or run --shards 1.");
        if (RowsPerShard < 1000)
            throw new SwitchyardException($"--rows is split across the {Shards} shards and each needs at least 1,000, got {RowsPerShard:N0} per shard.", $"Pass --rows {Shards * 1000} or more.");
    }
}
