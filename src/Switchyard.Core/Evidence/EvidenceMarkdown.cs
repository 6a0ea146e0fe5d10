using System.Text;
using System.Text.Json.Nodes;

namespace Switchyard.Core.Evidence;

/// <summary>The markdown form of an evidence record: readable tables, then the exact record embedded for verification.</summary>
public static class EvidenceMarkdown
{
    public const string JsonMarker = "## Record (verifiable)";

    public static string Render(EvidenceRecord record)
    {
        var c = record.Content;
        var m = c["migration"]!;
        var sb = new StringBuilder();
        sb.Append("# Evidence: ").AppendLine(Str(m["name"])).AppendLine();
        sb.AppendLine("| item | value |").AppendLine("|---|---|");
        foreach (var (k, v) in new[]
        {
            ("migration", Str(m["name"])), ("target table", Str(m["target_table"])), ("phase", Str(m["phase"])), ("state", Str(m["state"])),
            ("spec checksum", Str(m["spec_checksum"])), ("created", Str(m["created_at"])), ("updated", Str(m["updated_at"])),
            ("database", Str(c["database"])), ("exported at", Str(c["exported_at"])), ("exported by", Str(c["exported_by"])),
            ("content sha256", record.Checksum),
            ("signature", record.Signature is { } sig ? $"{EvidenceSignature.Algorithm} by key {sig.KeyId}" : "unsigned: integrity only, not authenticity"),
        })
            sb.Append("| ").Append(k).Append(" | ").Append(Cell(v)).AppendLine(" |");

        sb.AppendLine().AppendLine("## Steps").AppendLine().AppendLine("| step | phase | status | attempts | started | finished | error |").AppendLine("|---|---|---|---|---|---|---|");
        foreach (var s in c["steps"]!.AsArray())
            sb.AppendLine($"| {Cell(Str(s!["step_key"]))} | {Str(s["phase"])} | {Str(s["status"])} | {Str(s["attempts"])} | {Str(s["started_at"])} | {Str(s["finished_at"])} | {Cell(Str(s["error"]))} |");

        sb.AppendLine().AppendLine("## Events (who ran what)").AppendLine().AppendLine("| at | os user | db user | application | kind | message |").AppendLine("|---|---|---|---|---|---|");
        foreach (var e in c["events"]!.AsArray())
            sb.AppendLine($"| {Str(e!["at"])} | {Cell(Str(e["os_user"]))} | {Cell(Str(e["db_user"]))} | {Cell(Str(e["application_name"]))} | {Cell(Str(e["kind"]))} | {Cell(Str(e["message"]))} |");

        sb.AppendLine().AppendLine("## Validation results").AppendLine();
        if (c["validation_results"] is JsonArray results)
        {
            sb.AppendLine("| check | outcome | rows examined | failures | detail | recorded |").AppendLine("|---|---|---|---|---|---|");
            foreach (var v in results)
                sb.AppendLine($"| {Cell(Str(v!["check_name"]))} | {Str(v["outcome"])} | {Str(v["rows_examined"])} | {Str(v["failures"])} | {Cell(Str(v["detail"]))} | {Str(v["recorded_at"])} |");
        }
        else
        {
            sb.AppendLine("No validation results table in this database (validation never ran here).");
        }

        sb.AppendLine().AppendLine(JsonMarker).AppendLine()
          .AppendLine("Verify with `switchyard evidence --verify FILE --public-key PUB.pem`: the signature and the sha256 of the canonical JSON of `content`, the event hash chain, and the tables above against this record.")
          .AppendLine().AppendLine("```json").AppendLine(record.ToJson()).AppendLine("```");
        return sb.ToString();
    }

    private static string Str(JsonNode? n) => n switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => n.ToJsonString(),
    };

    private static string Cell(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
