using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchyard.Core.Evidence;

/// <summary>
/// A migration's compliance record: the journal rows as exported (<see cref="Content"/>, events with their hash
/// chain), the sha256 of their canonical JSON, and optionally the operator's signature over the same bytes.
/// Serialized as <c>{"format", "checksum", "signature"?, "content"}</c>; markdown embeds the same JSON.
/// </summary>
public sealed record EvidenceRecord(JsonObject Content, string Checksum, EvidenceSignature? Signature = null)
{
    /// <summary>Version 2 adds the event hash chain and the signature; version 1 records still verify (integrity only).</summary>
    public const string Format = "switchyard-evidence/2";
    public const string FormatV1 = "switchyard-evidence/1";
    public const string Algorithm = "sha256";
    public const string Canonicalization = "json, object keys sorted by ordinal, no whitespace";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static EvidenceRecord Seal(JsonObject content) => new(content, CanonicalJson.Sha256(content));

    /// <summary>The same record signed with the operator's private key.</summary>
    public EvidenceRecord SignWith(System.Security.Cryptography.ECDsa key) => this with { Signature = EvidenceSignature.Sign(Content, key) };

    public string ToJson()
    {
        var doc = new JsonObject
        {
            ["format"] = Content["format"]?.DeepClone() ?? Format,
            ["checksum"] = new JsonObject { ["algorithm"] = Algorithm, ["canonicalization"] = Canonicalization, ["value"] = Checksum },
        };
        if (Signature is not null) doc["signature"] = Signature.ToJson();
        doc["content"] = Content.DeepClone();
        return doc.ToJsonString(Indented);
    }

    /// <summary>Reads a record's JSON strictly (see <see cref="EvidenceJson"/>); verification is <see cref="EvidenceVerifier"/>'s.</summary>
    public static EvidenceRecord Parse(string json, EvidenceJson reader)
    {
        var doc = reader.ParseObject(json);
        var format = reader.String(doc, "format", "format");
        if (format is not (Format or FormatV1))
            throw reader.Malformed($"format is \"{format}\"; this version reads {Format} and {FormatV1}");
        var checksum = reader.Object(doc, "checksum", "checksum");
        var signature = reader.OptionalObject(doc, "signature", "signature");
        if (signature is not null && reader.String(signature, "algorithm", "signature.algorithm") is var algorithm && algorithm != EvidenceSignature.Algorithm)
            throw reader.Malformed($"signature.algorithm is \"{algorithm}\"; this version verifies {EvidenceSignature.Algorithm}");
        return new EvidenceRecord(reader.Object(doc, "content", "content"), reader.String(checksum, "value", "checksum.value"),
            signature is null ? null : new EvidenceSignature(reader.String(signature, "key_id", "signature.key_id"), reader.String(signature, "value", "signature.value"),
                reader.OptionalString(signature, "public_key", "signature.public_key")));
    }
}
