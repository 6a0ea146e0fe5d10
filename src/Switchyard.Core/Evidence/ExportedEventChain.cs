using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Switchyard.Core.Journal.Chain;

namespace Switchyard.Core.Evidence;

/// <summary>
/// The event chain of an exported record, re-hashed without the database: each event's hash is recomputed the way
/// <c>switchyard.event_hash</c> computes it (<see cref="EventChainSchema"/>) and the chain is walked from the export.
/// </summary>
public static class ExportedEventChain
{
    public static EventChainVerdict Verify(JsonObject content, EvidenceJson json)
    {
        var headNode = json.OptionalObject(content, "chain", "content.chain");
        var events = json.Array(content, "events", "content.events");
        if (headNode is null && events.All(e => e is JsonObject o && !o.ContainsKey("hash"))) return EventChainVerdict.NotRecorded;
        var links = events.Select((e, i) => Link(e, $"content.events[{i}]", json)).ToList();
        var head = headNode is null
            ? null
            : new ChainHead(json.OptionalInteger(headNode, "seq", "content.chain.seq", optional: false)!.Value,
                json.OptionalString(headNode, "hash", "content.chain.hash"), json.OptionalInteger(headNode, "event_id", "content.chain.event_id"));
        return EventChainVerifier.Verify(links, head);
    }

    /// <summary>sha256(prev_hash || jsonb text of [id, migration_id, at in µs since the epoch, os_user, db_user, application_name, kind, message, data]).</summary>
    public static string Hash(string? prevHash, JsonObject e, string path, EvidenceJson json)
    {
        var at = json.Timestamp(e, "at", path + ".at");
        var content = new JsonArray(
            json.OptionalInteger(e, "id", path + ".id", optional: false), json.OptionalInteger(e, "migration_id", path + ".migration_id"),
            (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond,
            json.String(e, "os_user", path + ".os_user"), json.String(e, "db_user", path + ".db_user"),
            json.String(e, "application_name", path + ".application_name"), json.String(e, "kind", path + ".kind"),
            json.String(e, "message", path + ".message"), e["data"]?.DeepClone());
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes((prevHash ?? "") + JsonbText.Write(content))));
    }

    private static ChainLink Link(JsonNode? node, string path, EvidenceJson json)
    {
        var e = node as JsonObject ?? throw json.Malformed($"{path}: expected an object");
        var seq = json.OptionalInteger(e, "chain_seq", path + ".chain_seq");
        var prev = json.OptionalString(e, "prev_hash", path + ".prev_hash");
        return new ChainLink(json.OptionalInteger(e, "id", path + ".id", optional: false)!.Value, seq, prev,
            json.OptionalString(e, "hash", path + ".hash"), seq is null ? null : Hash(prev, e, path, json));
    }
}
