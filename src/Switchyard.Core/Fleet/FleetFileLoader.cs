using Npgsql;
using Switchyard.Core.Connections;
using Switchyard.Core.Spec;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Fleet;

/// <summary>
/// Reads a fleet file (YAML) with node marks, so every error is one line naming file:line:col, what is wrong and how to
/// fix it. A password in the file is refused: fleet files are committed next to specs.
/// </summary>
public static class FleetFileLoader
{
    private const string Example = "fleet: eu-ledger\nshards:\n  - name: eu-1\n    connection: Host=db1;Username=switchyard;Database=ledger";

    public static FleetDefinition LoadFile(string path)
    {
        if (!File.Exists(path))
            throw new SpecException(new SpecLocation(path, 0, 0), "fleet file not found.", "Pass the path of a fleet YAML file (`fleet:` and `shards:`).");
        return Load(SpecLimits.ReadFile(path), path);
    }

    public static FleetDefinition Load(string text, string file)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(SpecLimits.Parser(text, file));
        }
        catch (YamlException e)
        {
            throw new SpecException(new SpecLocation(file, (int)e.Start.Line, (int)e.Start.Column), "malformed YAML in the fleet file.",
                "Fix the YAML syntax at that position (indentation, a missing ':' or an unclosed quote).");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new SpecException(new SpecLocation(file, 1, 1), "the fleet file must be a mapping with 'fleet' and 'shards'.", "Start it like: " + Example.Replace('\n', ' '));
        var at = new Marks(file);
        at.Only(root, "fleet", "shards");
        var name = at.Text(at.Required(root, "fleet"), "fleet");
        if (at.Required(root, "shards") is not YamlSequenceNode { Children.Count: > 0 } list)
            throw at.Error(root, "'shards' must be a non-empty list.", "Write `shards:` followed by `- name: ...` items.");
        var shards = new List<FleetShard>();
        foreach (var node in list.Children)
        {
            var shard = Shard(at, node);
            if (shards.Any(s => s.Name == shard.Name))
                throw at.Error(node, $"shard name '{shard.Name}' is used twice.", "Give every shard its own name.");
            shards.Add(shard);
        }
        return new FleetDefinition(name, Path.GetFullPath(file), shards);
    }

    private static FleetShard Shard(Marks at, YamlNode node)
    {
        if (node is not YamlMappingNode map)
            throw at.Error(node, "a shard must be a mapping with 'name' and 'connection' (or 'managed').", "Write `- name: eu-1` and `connection: Host=...;Database=ledger`.");
        at.Only(map, "name", "connection", "managed", "database", "standbys");
        var name = at.Text(at.Required(map, "name"), "name");
        var connectionNode = Marks.Optional(map, "connection");
        var managedNode = Marks.Optional(map, "managed");
        if ((connectionNode is null) == (managedNode is null))
            throw at.Error(map, $"shard '{name}' needs exactly one of 'connection' and 'managed'.", "Write `connection: Host=...` for a server, or `managed: <home folder>` for a cluster `switchyard local` manages.");
        var connection = connectionNode is null ? null : at.Connection(connectionNode, "connection");
        var managed = managedNode is null ? null : Path.GetFullPath(at.Text(managedNode, "managed"), Path.GetDirectoryName(at.File) ?? ".");
        var database = Marks.Optional(map, "database") is { } db ? at.Text(db, "database")
            : connection is null ? LocalPostgres.LocalClusterOptions.DefaultDatabase : new NpgsqlConnectionStringBuilder(connection).Database ?? "postgres";
        var standbys = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Marks.Optional(map, "standbys") is { } standbyNode)
        {
            if (standbyNode is not YamlMappingNode standbyMap)
                throw at.Error(standbyNode, "'standbys' must map a standby name to its connection.", "Write `standbys:` then `replica1: Host=10.0.0.2;Database=ledger`.");
            foreach (var (key, value) in standbyMap.Children)
                standbys[at.Text(key, "standby name")] = at.Connection(value, "standby connection");
        }
        return new FleetShard(name, connection, managed, database, standbys);
    }

    private sealed class Marks(string file)
    {
        public string File => file;

        public SpecException Error(YamlNode node, string message, string hint) => new(new SpecLocation(file, (int)node.Start.Line, (int)node.Start.Column), message, hint);

        public void Only(YamlMappingNode map, params string[] allowed)
        {
            foreach (var key in map.Children.Keys)
            {
                var k = (key as YamlScalarNode)?.Value ?? "";
                if (!allowed.Contains(k)) throw Error(key, $"unknown key '{k}'.", $"Allowed here: {string.Join(", ", allowed)}.");
            }
        }

        public YamlNode Required(YamlMappingNode map, string key) =>
            Optional(map, key) ?? throw Error(map, $"missing '{key}'.", $"Add `{key}: ...`; a fleet file looks like: " + Example.Replace('\n', ' '));

        public static YamlNode? Optional(YamlMappingNode map, string key) =>
            map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

        public string Text(YamlNode node, string what) =>
            node is YamlScalarNode { Value: { Length: > 0 } v } && !v.Any(char.IsControl) ? v
                : throw Error(node, $"'{what}' must be a non-empty text value.", $"Write `{what}: <value>`.");

        /// <summary>A connection string in any form --connection takes, refused when it holds a password.</summary>
        public string Connection(YamlNode node, string what)
        {
            string parsed;
            try
            {
                parsed = ConnectionResolver.Parse(Text(node, what), "the fleet file");
            }
            catch (SwitchyardException e) when (e is not SpecException)
            {
                throw Error(node, $"the {what} could not be read.", e.Hint ?? "Use keyword form `Host=db;Port=5432;Username=app;Database=ledger`.");
            }
            if (new NpgsqlConnectionStringBuilder(parsed).Password is { Length: > 0 })
                throw Error(node, $"the {what} holds a password; fleet files must not.", "Remove it and give it via PGPASSWORD, a pgpass file (Passfile=...), or the managed cluster's password file.");
            return parsed;
        }
    }
}
