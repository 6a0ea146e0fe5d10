using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchyard.Core.Evidence;

/// <summary>
/// Writes JSON exactly as PostgreSQL prints a <c>jsonb</c> value (<c>jsonb::text</c>): object keys shorter first, then
/// bytewise; <c>", "</c> and <c>": "</c> between items; numbers as they were printed; strings escaped like escape_json.
/// The journal hashes an event as jsonb text, so an export can be re-hashed without the database.
/// </summary>
public static class JsonbText
{
    public static string Write(JsonNode? node)
    {
        var sb = new StringBuilder();
        Append(sb, node);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject o:
                sb.Append('{');
                var first = true;
                foreach (var (key, value) in o.OrderBy(kv => Encoding.UTF8.GetBytes(kv.Key), JsonbKeyOrder.Instance))
                {
                    if (!first) sb.Append(", ");
                    first = false;
                    AppendString(sb, key);
                    sb.Append(": ");
                    Append(sb, value);
                }
                sb.Append('}');
                break;
            case JsonArray a:
                sb.Append('[');
                for (var i = 0; i < a.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    Append(sb, a[i]);
                }
                sb.Append(']');
                break;
            default:
                var kind = node.GetValueKind();
                if (kind == JsonValueKind.String) AppendString(sb, node.GetValue<string>());
                else sb.Append(node.ToJsonString()); // numbers keep the digits PostgreSQL printed; true, false, null
                break;
        }
    }

    private static void AppendString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var ch in s)
        {
            switch (ch)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case < ' ': sb.Append("\\u").Append(((int)ch).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: sb.Append(ch); break;
            }
        }
        sb.Append('"');
    }

    /// <summary>jsonb's key order: shorter keys first, equal lengths by their bytes.</summary>
    private sealed class JsonbKeyOrder : IComparer<byte[]>
    {
        public static readonly JsonbKeyOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) =>
            x!.Length != y!.Length ? x.Length.CompareTo(y.Length) : x.AsSpan().SequenceCompareTo(y);
    }
}
