namespace Switchyard.Core.Fleet;

/// <summary>A fleet file: the shards (separate PostgreSQL clusters) one migration runs on together.</summary>
public sealed record FleetDefinition(string Name, string Path, IReadOnlyList<FleetShard> Shards)
{
    /// <summary>The named shard, or a one-line error listing the fleet's shards.</summary>
    public FleetShard Shard(string name) =>
        Shards.FirstOrDefault(s => s.Name == name)
        ?? throw new SwitchyardException($"The fleet '{Name}' has no shard named '{name}'.", $"Use one of: {string.Join(", ", Shards.Select(s => s.Name))}.");
}

/// <summary>
/// One shard: a connection string without a password (the password comes from the environment or a pgpass file, as for
/// <c>--connection</c>), or a managed cluster's home folder and database; plus standbys its guards watch.
/// </summary>
public sealed record FleetShard(string Name, string? Connection, string? ManagedHome, string Database, IReadOnlyDictionary<string, string> Standbys);
