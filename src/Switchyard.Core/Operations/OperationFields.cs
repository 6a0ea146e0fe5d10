using Switchyard.Core.Execution;
using Switchyard.Core.Spec;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Operations;

/// <summary>
/// The fields of one operation (or one nested mapping) in a migration file, read with their file:line:col: an unknown
/// or missing field, or a value of the wrong shape, is a <see cref="SpecException"/> pointing at it.
/// </summary>
public sealed class OperationFields
{
    private readonly YamlMappingNode _map;

    public OperationFields(YamlMappingNode map, string file, string what, params string[] allowed)
    {
        _map = map;
        File = file;
        What = what;
        foreach (var key in map.Children.Keys)
        {
            var k = (key as YamlScalarNode)?.Value ?? "";
            if (!allowed.Contains(k, StringComparer.Ordinal))
                throw Error(key, $"unknown field '{k}' in {what}.", $"Fields of {what}: {string.Join(", ", allowed)}.");
        }
    }

    public string File { get; }

    /// <summary>What this mapping is, for messages (e.g. <c>alter_column</c>, <c>alter_column.check</c>).</summary>
    public string What { get; }

    public SpecLocation Location => At(_map);

    public SpecLocation At(YamlNode node) => new(File, (int)node.Start.Line, (int)node.Start.Column);

    public SpecException Error(YamlNode node, string message, string hint) => new(At(node), message, hint);

    public SpecException Error(string key, string message, string hint) => new(Node(key) is { } n ? At(n) : Location, message, hint);

    /// <summary>Locations of the fields written, for errors the catalog check raises later.</summary>
    public IReadOnlyDictionary<string, SpecLocation> Locations =>
        _map.Children.Where(c => c.Key is YamlScalarNode).ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => At(c.Value));

    public bool Has(string key) => Node(key) is not null;

    public YamlNode? Node(string key) => _map.Children.TryGetValue(new YamlScalarNode(key), out var n) ? n : null;

    /// <summary>True when the field is written as <c>null</c> (pgroll's way to remove a default or a comment).</summary>
    public bool IsNull(string key) => Node(key) is YamlScalarNode { Style: ScalarStyle.Plain, Value: "null" or "~" or "" or null };

    public string Text(string key) =>
        OptionalText(key) ?? throw new SpecException(Location, $"{What} is missing '{key}'.", $"Add `{key}: <value>` to {What}.");

    public string? OptionalText(string key)
    {
        if (Node(key) is not { } node || IsNull(key)) return null;
        return node is YamlScalarNode { Value: { Length: > 0 } v } ? v
            : throw Error(node, $"'{key}' of {What} must be a non-empty text value.", $"Write `{key}: <value>`.");
    }

    /// <summary>A PostgreSQL identifier: at most 63 bytes (PostgreSQL would silently cut it) and no control characters.</summary>
    public string Identifier(string key) => CheckIdentifier(Text(key), Node(key)!, key);

    public string? OptionalIdentifier(string key) => OptionalText(key) is { } v ? CheckIdentifier(v, Node(key)!, key) : null;

    public QualifiedName Relation(string key)
    {
        var name = QualifiedName.Parse(Text(key));
        CheckIdentifier(name.Schema, Node(key)!, key);
        CheckIdentifier(name.Name, Node(key)!, key);
        return name;
    }

    public string CheckIdentifier(string name, YamlNode node, string key)
    {
        if (IdentifierRule.Check(name, $"'{key}' of {What}") is { } bad) throw Error(node, bad.Problem, bad.Hint);
        return name;
    }

    public bool Bool(string key, bool fallback)
    {
        if (OptionalText(key) is not { } v) return fallback;
        return v.ToLowerInvariant() switch
        {
            "true" => true,
            "false" => false,
            _ => throw Error(key, $"'{key}' of {What} must be true or false, got '{v}'.", $"Write `{key}: true` or `{key}: false`."),
        };
    }

    /// <summary>A keyword from a fixed list (a referential action, an index method): compared, never pasted as written.</summary>
    public string? Keyword(string key, params string[] allowed)
    {
        if (OptionalText(key) is not { } v) return null;
        return allowed.FirstOrDefault(a => string.Equals(a, v, StringComparison.OrdinalIgnoreCase))
            ?? throw Error(key, $"'{key}' of {What} must be one of {string.Join(", ", allowed)}, got '{v}'.", $"Write one of: {string.Join(", ", allowed)}.");
    }

    public OperationFields? OptionalMap(string key, params string[] allowed)
    {
        if (Node(key) is not { } node || IsNull(key)) return null;
        return node is YamlMappingNode m ? new OperationFields(m, File, $"{What}.{key}", allowed)
            : throw Error(node, $"'{key}' of {What} must be a mapping.", $"Write `{key}:` followed by its fields ({string.Join(", ", allowed)}).");
    }

    public OperationFields Map(string key, params string[] allowed) =>
        OptionalMap(key, allowed) ?? throw new SpecException(Location, $"{What} is missing '{key}'.", $"Add `{key}:` with its fields ({string.Join(", ", allowed)}).");

    public YamlSequenceNode? OptionalList(string key)
    {
        if (Node(key) is not { } node || IsNull(key)) return null;
        return node as YamlSequenceNode ?? throw Error(node, $"'{key}' of {What} must be a list.", $"Write `{key}: [ ... ]`.");
    }

    public YamlSequenceNode List(string key) =>
        OptionalList(key) is { Children.Count: > 0 } l ? l : throw Error(key, $"{What} needs a non-empty '{key}' list.", $"Write `{key}: [ ... ]`.");

    public IReadOnlyList<OperationFields> Maps(string key, params string[] allowed) =>
        OptionalList(key) is { } list
            ? [.. list.Children.Select(c => c is YamlMappingNode m ? new OperationFields(m, File, $"{What}.{key}", allowed)
                : throw Error(c, $"each item of '{key}' in {What} must be a mapping.", $"Write `- {{ {string.Join(", ", allowed.Take(2))} ... }}`."))]
            : [];

    /// <summary>A list of identifiers (column names).</summary>
    public IReadOnlyList<string> Identifiers(string key) =>
        [.. List(key).Children.Select(c => c is YamlScalarNode { Value: { Length: > 0 } v } ? CheckIdentifier(v, c, key)
            : throw Error(c, $"each item of '{key}' in {What} must be a name.", $"Write `{key}: [a, b]`."))];

    /// <summary>A mapping of column name → SQL expression (pgroll's per-column <c>up</c> / <c>down</c>).</summary>
    public IReadOnlyDictionary<string, string> ExpressionMap(string key)
    {
        if (Node(key) is not { } node || IsNull(key)) return new Dictionary<string, string>();
        if (node is not YamlMappingNode m)
            throw Error(node, $"'{key}' of {What} must map each column to an SQL expression.", $"Write `{key}: {{ column: expression }}`.");
        var fields = new OperationFields(m, File, $"{What}.{key}", [.. m.Children.Keys.Select(k => (k as YamlScalarNode)?.Value ?? "")]);
        return m.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToDictionary(k => fields.CheckIdentifier(k, fields.Node(k)!, key), fields.Text, StringComparer.Ordinal);
    }
}
