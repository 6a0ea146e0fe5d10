using Switchyard.Core.Connections;
using Switchyard.Core.LocalPostgres;

namespace Switchyard.Core.Fleet;

/// <summary>A shard's resolved target database and the standbys its guards watch.</summary>
public sealed record ShardTarget(ConnectionSettings Settings, IReadOnlyDictionary<string, string> Standbys);

/// <summary>Resolves a shard's connection: its connection string as written, or its managed cluster (started on demand, like the CLI's own).</summary>
public static class FleetConnections
{
    public static async Task<ShardTarget> ResolveAsync(FleetShard shard, string? binDirectory, CancellationToken ct)
    {
        var standbys = new Dictionary<string, string>(StringComparer.Ordinal);
        if (shard.ManagedHome is { } home)
        {
            var cluster = new LocalCluster(new LocalClusterOptions { Home = home, BinDirectory = binDirectory });
            var state = await cluster.StartAsync(ct).ConfigureAwait(false);
            foreach (var s in state.Standbys) standbys[s.Name] = cluster.StandbyConnectionString(s.Name, shard.Database);
            foreach (var (name, cs) in shard.Standbys) standbys[name] = cs;
            return new ShardTarget(new ConnectionSettings(cluster.ConnectionString(shard.Database), $"fleet shard {shard.Name} (managed {home})", true), standbys);
        }
        foreach (var (name, cs) in shard.Standbys) standbys[name] = cs;
        return new ShardTarget(new ConnectionSettings(shard.Connection!, $"fleet shard {shard.Name}", false), standbys);
    }
}
