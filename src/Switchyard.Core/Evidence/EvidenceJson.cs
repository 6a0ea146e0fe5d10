using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchyard.Core.Evidence;

/// <summary>
/// Strict reading of an evidence file: duplicate keys, truncation and fields of the wrong type are one clear error
/// naming the file and the field, never an unhandled exception.
/// </summary>
public sealed class EvidenceJson(string source)
{
    private const string Hint = "Verify the file `switchyard evidence` wrote, unmodified (re-export it if it was damaged).";

    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    public string Source { get; } = source;

    public JsonObject ParseObject(string json)
    {
        JsonNode? doc;
        try
        {
            doc = JsonNode.Parse(json, documentOptions: Strict);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, byte {e.BytePositionInLine + 1}" : "";
            throw Malformed($"not valid evidence JSON{where}: {Reason(e.Message)}");
        }
        return doc as JsonObject ?? throw Malformed($"the record is a JSON {Kind(doc)}, not an object");
    }

    public JsonObject Object(JsonNode? parent, string key, string path) =>
        Field(parent, key, path) as JsonObject ?? throw WrongType(path, "an object", parent?[key]);

    public JsonObject? OptionalObject(JsonNode? parent, string key, string path) => Field(parent, key, path, optional: true) switch
    {
        null => null,
        JsonObject o => o,
        var other => throw WrongType(path, "an object or null", other),
    };

    public JsonArray Array(JsonNode? parent, string key, string path) =>
        Field(parent, key, path) as JsonArray ?? throw WrongType(path, "an array", parent?[key]);

    public string String(JsonNode? parent, string key, string path) =>
        OptionalString(parent, key, path, optional: false)!;

    public string? OptionalString(JsonNode? parent, string key, string path, bool optional = true) => Field(parent, key, path, optional) switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        var other => throw WrongType(path, "a string", other),
    };

    public long? OptionalInteger(JsonNode? parent, string key, string path, bool optional = true) => Field(parent, key, path, optional) switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var n) => n,
        var other => throw WrongType(path, "an integer", other),
    };

    public DateTimeOffset Timestamp(JsonNode? parent, string key, string path) =>
        DateTimeOffset.TryParse(String(parent, key, path), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var at)
            ? at
            : throw Malformed($"{path}: expected an ISO 8601 timestamp, found \"{parent![key]}\"");

    public SwitchyardException Malformed(string what) => new($"{Source}: {what}.", Hint);

    private JsonNode? Field(JsonNode? parent, string key, string path, bool optional = false)
    {
        if (parent is not JsonObject o) throw WrongType(path[..Math.Max(0, path.LastIndexOf('.'))], "an object", parent);
        if (!o.TryGetPropertyValue(key, out var value) && !optional) throw Malformed($"{path} is missing");
        return value;
    }

    private SwitchyardException WrongType(string path, string expected, JsonNode? found) =>
        Malformed($"{path}: expected {expected}, found {Kind(found)}");

    private static string Kind(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        _ => node.GetValueKind().ToString().ToLowerInvariant(),
    };

    /// <summary>The parser's reason without the position it appends (already said) and its final period.</summary>
    private static string Reason(string message)
    {
        var text = message.ReplaceLineEndings(" ");
        foreach (var tail in new[] { " Path:", " LineNumber:" })
        {
            var at = text.IndexOf(tail, StringComparison.Ordinal);
            if (at >= 0) text = text[..at];
        }
        return text.TrimEnd().TrimEnd('.');
    }
}
