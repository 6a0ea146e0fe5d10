using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchyard.Core.Evidence;

/// <summary>
/// A migration's compliance record: the journal rows as exported (<see cref="Content"/>) and the sha256 of their
/// canonical JSON. Serialized as <c>{"content": ..., "checksum": {...}}</c>; markdown embeds the same JSON.
/// </summary>
public sealed record EvidenceRecord(JsonObject Content, string Checksum)
{
    public const string Format = "switchyard-evidence/1";
    public const string Algorithm = "sha256";
    public const string Canonicalization = "json, object keys sorted by ordinal, no whitespace";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static EvidenceRecord Seal(JsonObject content) => new(content, CanonicalJson.Sha256(content));

    public string ToJson() => new JsonObject
    {
        ["format"] = Format,
        ["checksum"] = new JsonObject { ["algorithm"] = Algorithm, ["canonicalization"] = Canonicalization, ["value"] = Checksum },
        ["content"] = JsonNode.Parse(Content.ToJsonString()),
    }.ToJsonString(Indented);
}

/// <summary>Whether an exported record still matches its checksum.</summary>
public sealed record EvidenceVerification(bool Valid, string RecordedChecksum, string ComputedChecksum, string? Migration);

/// <summary>Reads an exported record (JSON, or markdown with the JSON embedded) and recomputes its checksum.</summary>
public static class EvidenceVerifier
{
    public static EvidenceVerification Verify(string text, string source = "<evidence>")
    {
        var json = ExtractJson(text, source);
        JsonNode? doc;
        try
        {
            doc = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new SwitchyardException($"{source}: not valid evidence JSON (line {e.LineNumber + 1}): {e.Message}", "Verify the file `switchyard evidence` wrote, unmodified.");
        }
        var recorded = doc?["checksum"]?["value"]?.GetValue<string>()
            ?? throw new SwitchyardException($"{source}: no checksum.value in the record.", "Verify the file `switchyard evidence` wrote.");
        var content = doc["content"] as JsonObject
            ?? throw new SwitchyardException($"{source}: no content object in the record.", "Verify the file `switchyard evidence` wrote.");
        var computed = CanonicalJson.Sha256(content);
        return new EvidenceVerification(string.Equals(recorded, computed, StringComparison.Ordinal), recorded, computed,
            content["migration"]?["name"]?.GetValue<string>());
    }

    /// <summary>The record itself, or the JSON block a markdown export embeds after its marker.</summary>
    private static string ExtractJson(string text, string source)
    {
        var trimmed = text.TrimStart();
        if (trimmed.StartsWith('{')) return trimmed;
        var marker = text.IndexOf(EvidenceMarkdown.JsonMarker, StringComparison.Ordinal);
        if (marker < 0) throw new SwitchyardException($"{source}: neither evidence JSON nor a markdown export with its embedded record.", "Verify the file `switchyard evidence` wrote.");
        var start = text.IndexOf("```json\n", marker, StringComparison.Ordinal) + "```json\n".Length;
        var end = text.IndexOf("\n```", start, StringComparison.Ordinal);
        return text[start..end];
    }
}
