using System.Text.Json;
using System.Text.Json.Nodes;
using Switchyard.Core.Linting;

namespace Switchyard.Cli.Output;

/// <summary>
/// A lint report as SARIF 2.1.0, the format GitHub code scanning and most CI dashboards import. Property names are
/// the spec's camelCase (not the CLI's snake_case JSON), so this is built as a JSON tree rather than serialized.
/// </summary>
internal static class LintSarif
{
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

    public static string Render(LintReport report)
    {
        var rules = new JsonArray();
        foreach (var rule in LintRules.All)
        {
            rules.Add(new JsonObject
            {
                ["id"] = rule.Id,
                ["name"] = rule.Name,
                ["shortDescription"] = new JsonObject { ["text"] = rule.Name },
                ["fullDescription"] = new JsonObject { ["text"] = rule.Explanation },
                ["help"] = new JsonObject { ["text"] = rule.Rewrite },
                ["defaultConfiguration"] = new JsonObject { ["level"] = Level(rule.Severity) },
            });
        }

        var results = new JsonArray();
        foreach (var finding in report.Findings)
        {
            results.Add(new JsonObject
            {
                ["ruleId"] = finding.RuleId,
                ["ruleIndex"] = IndexOf(finding.RuleId),
                ["level"] = Level(finding.Severity),
                ["message"] = new JsonObject { ["text"] = finding.Message },
                ["locations"] = new JsonArray(new JsonObject
                {
                    ["physicalLocation"] = new JsonObject
                    {
                        ["artifactLocation"] = new JsonObject { ["uri"] = Uri(report.Source) },
                        ["region"] = new JsonObject { ["startLine"] = finding.Line, ["startColumn"] = finding.Column },
                    },
                }),
            });
        }

        var sarif = new JsonObject
        {
            ["$schema"] = SchemaUri,
            ["version"] = "2.1.0",
            ["runs"] = new JsonArray(new JsonObject
            {
                ["tool"] = new JsonObject
                {
                    ["driver"] = new JsonObject
                    {
                        ["name"] = "switchyard",
                        ["version"] = typeof(LintSarif).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
                        ["rules"] = rules,
                    },
                },
                ["results"] = results,
            }),
        };
        return sarif.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>SARIF levels: error, warning, note.</summary>
    public static string Level(LintSeverity severity) => severity switch
    {
        LintSeverity.Error => "error",
        LintSeverity.Warning => "warning",
        _ => "note",
    };

    private static int IndexOf(string ruleId)
    {
        for (var i = 0; i < LintRules.All.Count; i++)
        {
            if (LintRules.All[i].Id == ruleId) return i;
        }
        return -1;
    }

    // SARIF wants a URI reference: a relative path with forward slashes is one (code scanning resolves it against the
    // repository); an absolute path becomes a file:// URI.
    private static string Uri(string path) => Path.IsPathRooted(path) ? new Uri(path).AbsoluteUri : path.Replace('\\', '/');
}
