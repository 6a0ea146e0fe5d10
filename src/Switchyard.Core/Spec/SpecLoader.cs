using Switchyard.Core.Execution;
using Switchyard.Core.Operations;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Spec;

/// <summary>
/// Reads a YAML migration spec with YamlDotNet's representation model, which keeps each node's start mark, so every
/// error names file:line:col, what is wrong and how to fix it.
/// </summary>
public static partial class SpecLoader
{
    private static IEnumerable<string> OperationKinds => OperationRegistry.Switchyard.Keys;

    public static MigrationSpec LoadFile(string path)
    {
        if (!File.Exists(path))
            throw new SpecException(new SpecLocation(path, 0, 0), "spec file not found.", "Pass the path of a YAML spec, e.g. migrations/001-normalize-status.yaml.");
        if (Directory.Exists(path))
            throw new SpecException(new SpecLocation(path, 0, 0), "the spec path is a directory.", "Pass the path of a YAML spec file.");
        return Load(SpecLimits.ReadFile(path), path);
    }

    public static MigrationSpec Load(string text, string file)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(SpecLimits.Parser(text, file));
        }
        catch (YamlException e)
        {
            throw new SpecException(new SpecLocation(file, (int)e.Start.Line, (int)e.Start.Column), $"malformed YAML: {Reason(e)}",
                "Fix the YAML syntax at that position (indentation, a missing ':' or an unclosed quote or bracket).");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new SpecException(new SpecLocation(file, 1, 1), "the spec must be a mapping with 'migration' and 'operations'.",
                "Start the file with `migration: <name>` and an `operations:` list.");
        if (Operations.Pgroll.PgrollMigrationLoader.IsPgroll(root)) return Operations.Pgroll.PgrollMigrationLoader.Load(root, text, file);
        var reader = new Reader(file);
        reader.Only(root, "migration", "description", "operations", "guards", "validation");
        var nameNode = reader.Required(root, "migration", "`migration: 001-my-change`");
        var name = reader.Text(nameNode, "migration");
        var opsNode = reader.Required(root, "operations", "an `operations:` list");
        if (opsNode is not YamlSequenceNode ops || ops.Children.Count == 0)
            throw reader.Error(opsNode, "'operations' must be a non-empty list.", "Write `operations:` followed by `- normalize_column: {...}` items.");
        var operations = ops.Children.Select(reader.Operation).ToList();
        var guardsNode = Reader.Optional(root, "guards");
        var validationNode = Reader.Optional(root, "validation");
        return new MigrationSpec(name, operations, text, Path.GetFullPath(file))
        {
            NameLocation = reader.At(nameNode),
            Guards = guardsNode is null ? SpecGuards.None : reader.Guards(guardsNode),
            Validation = validationNode is null ? null : reader.Validation(validationNode, operations),
            ValidationThresholds = validationNode is null ? new Dictionary<string, long>() : reader.Thresholds(validationNode),
            IdentityText = guardsNode is null ? null : WithoutGuards(root),
        };
    }

    private static string Reason(YamlException e)
    {
        var message = e.InnerException?.Message ?? e.Message;
        var idx = message.IndexOf("): ", StringComparison.Ordinal);
        return idx >= 0 && message.StartsWith('(') ? message[(idx + 3)..] : message;
    }

    /// <summary>Reads one Switchyard spec's YAML nodes; the operations' parsers (<see cref="OperationRegistry.Switchyard"/>) use its checks, so every error reads alike.</summary>
    internal sealed partial class Reader(string file)
    {
        public SpecLocation At(YamlNode node) => new(file, (int)node.Start.Line, (int)node.Start.Column);

        public SpecException Error(YamlNode node, string message, string hint) => new(At(node), message, hint);

        public void Only(YamlMappingNode map, params string[] allowed)
        {
            foreach (var key in map.Children.Keys)
            {
                var k = (key as YamlScalarNode)?.Value ?? "";
                if (!allowed.Contains(k))
                    throw Error(key, $"unknown key '{k}'.", $"Allowed here: {string.Join(", ", allowed)}.");
            }
        }

        public YamlNode Required(YamlMappingNode map, string key, string example) =>
            Optional(map, key) ?? throw Error(map, $"missing '{key}'.", $"Add {example}.");

        public static YamlNode? Optional(YamlMappingNode map, string key) =>
            map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

        public string Text(YamlNode node, string what) =>
            node is YamlScalarNode { Value: { Length: > 0 } v } ? v : throw Error(node, $"'{what}' must be a non-empty text value.", $"Write `{what}: <value>`.");

        public string RequiredText(YamlMappingNode map, string key, string example) => Text(Required(map, key, $"`{key}: {example}`"), key);

        public string? OptionalText(YamlMappingNode map, string key) => Optional(map, key) is { } n ? Text(n, key) : null;

        /// <summary>
        /// A name that becomes a PostgreSQL identifier: at most 63 bytes (PostgreSQL would silently cut a longer one,
        /// and the catalog checks would then look for a name that does not exist) and no control characters.
        /// </summary>
        public string Identifier(YamlNode node, string what) => Identifier(Text(node, what), node, what);

        private string Identifier(string name, YamlNode node, string what)
        {
            if (IdentifierRule.Check(name, $"'{what}'") is { } bad) throw Error(node, bad.Problem, bad.Hint);
            return name;
        }

        public string RequiredIdentifier(YamlMappingNode map, string key, string example) => Identifier(Required(map, key, $"`{key}: {example}`"), key);

        public string? OptionalIdentifier(YamlMappingNode map, string key) => Optional(map, key) is { } n ? Identifier(n, key) : null;

        /// <summary>A <c>table</c> or <c>schema.table</c> whose parts are identifiers.</summary>
        public QualifiedName Relation(YamlNode node, string what, string defaultSchema = "public")
        {
            var name = QualifiedName.Parse(Text(node, what), defaultSchema);
            Identifier(name.Schema, node, what + " schema");
            Identifier(name.Name, node, what);
            return name;
        }

        /// <summary>A code or alias: data the mapping compares, so never empty and never holding control characters.</summary>
        public string Code(YamlNode node, string what)
        {
            var value = Text(node, what);
            if (value.Any(char.IsControl))
                throw Error(node, $"{what} '{Printable(value)}' contains a control character.", "Remove tabs, newlines and other control characters; with `normalize: [trim]` surrounding whitespace is stripped anyway.");
            if (value.All(c => char.IsWhiteSpace(c) || c is '\u200B' or '\uFEFF'))
                throw Error(node, $"{what} is only whitespace.", "Write a non-empty code or alias.");
            // Codes and aliases are unique keys of the lookup and alias tables: a btree entry holds about 2.7 kB.
            if (System.Text.Encoding.UTF8.GetByteCount(value) > SpecLimits.MaxValueBytes)
                throw Error(node, $"{what} is longer than {SpecLimits.MaxValueBytes} bytes (the limit).", "Use a shorter code or alias.");
            return value;
        }

        private static string Printable(string value) =>
            string.Concat(value.Take(40).Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));

        public bool Bool(YamlMappingNode map, string key, bool fallback)
        {
            if (Optional(map, key) is not { } n) return fallback;
            return Text(n, key).ToLowerInvariant() switch
            {
                "true" or "yes" => true,
                "false" or "no" => false,
                var other => throw Error(n, $"'{key}' must be true or false, got '{other}'.", $"Write `{key}: true` or `{key}: false`."),
            };
        }

        public IReadOnlyList<string> TextList(YamlMappingNode map, string key, string example)
        {
            var node = Required(map, key, $"`{key}: [{example}]`");
            if (node is not YamlSequenceNode seq || seq.Children.Count == 0)
                throw Error(node, $"'{key}' must be a non-empty list.", $"Write `{key}: [{example}]`.");
            return [.. seq.Children.Select(c => Text(c, key))];
        }

        public YamlMappingNode Map(YamlNode node, string what, string example) =>
            node as YamlMappingNode ?? throw Error(node, $"'{what}' must be a mapping.", $"Write it as {example}.");

        private Dictionary<string, SpecLocation> Fields(YamlMappingNode map) =>
            map.Children.Where(c => c.Key is YamlScalarNode).ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => At(c.Value));

        public SpecOperation Operation(YamlNode item)
        {
            if (item is not YamlMappingNode { Children.Count: 1 } wrapper)
                throw Error(item, "each operation is a mapping with exactly one key naming the operation.", $"Write `- normalize_column: {{...}}`; known operations: {string.Join(", ", OperationKinds)}.");
            var (keyNode, body) = wrapper.Children.First();
            var kind = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!OperationRegistry.Switchyard.TryGetValue(kind, out var parse))
            {
                var guess = OperationKinds.FirstOrDefault(k => k.Contains(kind, StringComparison.OrdinalIgnoreCase) || kind.Contains(k, StringComparison.OrdinalIgnoreCase));
                throw Error(keyNode, $"unknown operation '{kind}'.",
                    (guess is null ? "" : $"Did you mean '{guess}'? ") + $"Known operations: {string.Join(", ", OperationKinds)}.");
            }
            var map = Map(body, kind, $"`{kind}: {{ table: ..., ... }}`");
            return parse(this, map) with { Location = At(keyNode), FieldLocations = Fields(map) };
        }

        public QualifiedName Table(YamlMappingNode map, string key = "table") => Relation(Required(map, key, "`table: transactions`"), key);

        public ColumnDefinition Column(YamlNode node)
        {
            var map = Map(node, "column", "`{ name: note, type: text }`");
            Only(map, "name", "type", "nullable", "default", "primary_key");
            return new ColumnDefinition(RequiredIdentifier(map, "name", "note"), RequiredText(map, "type", "text"), Bool(map, "nullable", true),
                OptionalText(map, "default"), Bool(map, "primary_key", false));
        }
    }
}
