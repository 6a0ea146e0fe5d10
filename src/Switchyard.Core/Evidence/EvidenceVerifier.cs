using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Switchyard.Core.Journal.Chain;

namespace Switchyard.Core.Evidence;

/// <summary>What verification found about a record's signature.</summary>
public enum SignatureStatus
{
    /// <summary>No signature and no key asked for: integrity only, not authenticity.</summary>
    Unsigned,
    /// <summary>Signed, and the signature matches the key the record names, but no trusted public key was given.</summary>
    NotChecked,
    /// <summary>Signed by the given public key over exactly this content.</summary>
    Valid,
    /// <summary>A public key was given but the record is unsigned.</summary>
    Missing,
    /// <summary>Signed by another key than the one given.</summary>
    WrongKey,
    /// <summary>Signed by the given (or the named) key, but not over this content: changed after signing.</summary>
    Invalid,
}

/// <summary>Whether an exported record is intact (checksum, event chain, markdown tables) and authentic (signature).</summary>
public sealed record EvidenceVerification(string RecordedChecksum, string ComputedChecksum, string? Migration, EventChainVerdict Chain,
    SignatureStatus Signature, string? SignedBy, string? MarkdownDifference)
{
    public bool ChecksumMatches => string.Equals(RecordedChecksum, ComputedChecksum, StringComparison.Ordinal);

    public bool Valid => ChecksumMatches && Chain.Break is null && MarkdownDifference is null
        && Signature is SignatureStatus.Valid or SignatureStatus.Unsigned or SignatureStatus.NotChecked;

    /// <summary>Every failed check, one line each, most basic first.</summary>
    public IReadOnlyList<string> Problems() =>
    [
        .. Signature switch
        {
            SignatureStatus.Missing => ["unsigned: the record carries no signature, so it cannot prove who exported it (export it with --sign-key)"],
            SignatureStatus.WrongKey => [$"signed by key {SignedBy}, not by the --public-key given"],
            SignatureStatus.Invalid => [$"the signature by key {SignedBy} does not cover this content (or does not match its key): the record was changed after signing"],
            _ => Array.Empty<string>(),
        },
        .. ChecksumMatches ? Array.Empty<string>() : [$"checksum: records sha256 {RecordedChecksum} but the content hashes to {ComputedChecksum}"],
        .. Chain.Break is null ? Array.Empty<string>() : ["event chain " + Chain.Describe()],
        .. MarkdownDifference is null ? Array.Empty<string>() : ["markdown " + MarkdownDifference],
    ];

    /// <summary>What the verification proves when it passes.</summary>
    public string Authenticity => Signature switch
    {
        SignatureStatus.Valid => $"signed by key {SignedBy}",
        SignatureStatus.NotChecked => $"signed by key {SignedBy}, which this file names itself; pass --public-key to prove who signed: integrity only, not authenticity",
        _ => "unsigned: integrity only, not authenticity",
    };
}

/// <summary>Reads an exported record (JSON, or markdown with the JSON embedded) and checks everything it can.</summary>
public static class EvidenceVerifier
{
    /// <param name="publicKey">When given, the record must be signed by it.</param>
    public static EvidenceVerification Verify(string text, string source = "<evidence>", ECDsa? publicKey = null)
    {
        var json = new EvidenceJson(source);
        var markdown = !text.TrimStart().StartsWith('{');
        var record = EvidenceRecord.Parse(markdown ? EmbeddedJson(text, json) : text, json);
        var content = record.Content;
        var migration = json.OptionalString(json.Object(content, "migration", "content.migration"), "name", "content.migration.name");
        var chain = ExportedEventChain.Verify(content, json);
        var signature = SignatureOf(record, publicKey);
        return new EvidenceVerification(record.Checksum, CanonicalJson.Sha256(content), migration, chain, signature, record.Signature?.KeyId,
            markdown ? RenderedDifference(text, record, json) : null);
    }

    private static SignatureStatus SignatureOf(EvidenceRecord record, ECDsa? publicKey)
    {
        if (record.Signature is not { } signature) return publicKey is null ? SignatureStatus.Unsigned : SignatureStatus.Missing;
        if (publicKey is null)
        {
            // Without a trusted key the signature still proves the content unchanged since signing by the key it names.
            using var embedded = signature.EmbeddedKey();
            return embedded is not null && signature.Verifies(record.Content, embedded) ? SignatureStatus.NotChecked : SignatureStatus.Invalid;
        }
        if (signature.Verifies(record.Content, publicKey)) return SignatureStatus.Valid;
        return string.Equals(signature.KeyId, EvidenceKeys.KeyId(publicKey), StringComparison.Ordinal) ? SignatureStatus.Invalid : SignatureStatus.WrongKey;
    }

    private static string? RenderedDifference(string text, EvidenceRecord record, EvidenceJson json)
    {
        try
        {
            return MarkdownTableCheck.FirstDifference(text, record);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
        {
            throw json.Malformed($"the embedded record does not have the shape of an evidence record ({e.Message.ReplaceLineEndings(" ")})");
        }
    }

    /// <summary>The JSON block a markdown export embeds after its marker.</summary>
    private static string EmbeddedJson(string text, EvidenceJson json)
    {
        var normalized = text.ReplaceLineEndings("\n");
        var marker = normalized.IndexOf(EvidenceMarkdown.JsonMarker, StringComparison.Ordinal);
        if (marker < 0) throw json.Malformed("neither evidence JSON nor a markdown export with its embedded record (no \"" + EvidenceMarkdown.JsonMarker + "\" section; truncated, or not an evidence file)");
        const string open = "```json\n";
        var start = normalized.IndexOf(open, marker, StringComparison.Ordinal);
        if (start < 0) throw json.Malformed("the \"" + EvidenceMarkdown.JsonMarker + "\" section has no ```json block (truncated?)");
        start += open.Length;
        var end = normalized.IndexOf("\n```", start, StringComparison.Ordinal);
        if (end < 0) throw json.Malformed("the embedded ```json block is not closed (truncated?)");
        return normalized[start..end];
    }
}
