using YamlDotNet.RepresentationModel;

namespace Switchyard.Samples.Ledger.Cli.Demo;

/// <summary>
/// The fleet file the sharded demo hands to <c>switchyard apply --fleet</c>: every shard as a managed cluster (its home
/// folder) and the demo database. No connection string and so no password: the child resolves each shard through its
/// cluster's password file, and finds the shard's standby in the cluster's state, so the guards watch its replay.
/// </summary>
internal static class ShardedDemoFleetFile
{
    public static async Task WriteAsync(ShardedDemoOptions options, CancellationToken ct)
    {
        var shards = new YamlSequenceNode();
        for (var i = 0; i < options.Shards; i++)
        {
            shards.Add(new YamlMappingNode
            {
                { "name", ShardedDemoOptions.ShardName(i) },
                { "managed", options.ShardHome(i) },
                { "database", options.Demo.Database },
            });
        }
        var root = new YamlMappingNode { { "fleet", options.FleetName }, { "shards", shards } };
        using var writer = new StringWriter();
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        Directory.CreateDirectory(Path.GetDirectoryName(options.FleetFile)!);
        await File.WriteAllTextAsync(options.FleetFile, writer.ToString(), ct).ConfigureAwait(false);
    }
}
