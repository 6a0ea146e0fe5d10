using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Switchyard.Core.Evidence;

/// <summary>
/// An ECDSA P-256 / SHA-256 signature over the canonical JSON of a record's content (<see cref="CanonicalJson"/>),
/// DER-encoded, base64: the same bytes `openssl dgst -sha256 -verify pub.pem` checks.
/// </summary>
/// <param name="PublicKey">The signer's public key (SubjectPublicKeyInfo DER, base64), so a copy edited after signing
/// fails even when no trusted key is given; only <c>--public-key</c> proves who signed.</param>
public sealed record EvidenceSignature(string KeyId, string Value, string? PublicKey)
{
    public const string Algorithm = "ecdsa-p256-sha256";
    public const string Encoding = "der, base64";

    public static EvidenceSignature Sign(JsonObject content, ECDsa key) =>
        new(EvidenceKeys.KeyId(key), Convert.ToBase64String(key.SignData(Bytes(content), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)),
            Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()));

    /// <summary>The public key the record says signed it; null when absent or not a P-256 key whose id is <see cref="KeyId"/>.</summary>
    public ECDsa? EmbeddedKey()
    {
        if (PublicKey is null) return null;
        var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(PublicKey), out _);
            if (key.KeySize == 256 && string.Equals(EvidenceKeys.KeyId(key), KeyId, StringComparison.Ordinal)) return key;
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
        }
        key.Dispose();
        return null;
    }

    /// <summary>Whether this signature, made by <paramref name="key"/>, covers exactly <paramref name="content"/>.</summary>
    public bool Verifies(JsonObject content, ECDsa key)
    {
        var bytes = new byte[Value.Length];
        try
        {
            return Convert.TryFromBase64String(Value, bytes, out var length)
                && key.VerifyData(Bytes(content), bytes.AsSpan(0, length), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false; // not a DER signature at all: it covers nothing
        }
    }

    public JsonObject ToJson() => new() { ["algorithm"] = Algorithm, ["encoding"] = Encoding, ["key_id"] = KeyId, ["public_key"] = PublicKey, ["value"] = Value };

    private static byte[] Bytes(JsonObject content) => System.Text.Encoding.UTF8.GetBytes(CanonicalJson.Serialize(content));
}
