using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Switchyard.Core.Evidence;

/// <summary>
/// An ECDSA P-256 / SHA-256 signature over the canonical JSON of a record's content (<see cref="CanonicalJson"/>),
/// DER-encoded, base64: the same bytes `openssl dgst -sha256 -verify pub.pem` checks.
/// </summary>
public sealed record EvidenceSignature(string KeyId, string Value)
{
    public const string Algorithm = "ecdsa-p256-sha256";
    public const string Encoding = "der, base64";

    public static EvidenceSignature Sign(JsonObject content, ECDsa key) =>
        new(EvidenceKeys.KeyId(key), Convert.ToBase64String(key.SignData(Bytes(content), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)));

    /// <summary>Whether this signature, made by <paramref name="key"/>, covers exactly <paramref name="content"/>.</summary>
    public bool Verifies(JsonObject content, ECDsa key)
    {
        var bytes = new byte[Value.Length];
        return Convert.TryFromBase64String(Value, bytes, out var length)
            && key.VerifyData(Bytes(content), bytes.AsSpan(0, length), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    public JsonObject ToJson() => new() { ["algorithm"] = Algorithm, ["encoding"] = Encoding, ["key_id"] = KeyId, ["value"] = Value };

    private static byte[] Bytes(JsonObject content) => System.Text.Encoding.UTF8.GetBytes(CanonicalJson.Serialize(content));
}
