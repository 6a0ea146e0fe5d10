namespace Switchyard.Core.Linting;

/// <summary>One rule hit at a place in the file; severity may differ from the rule's when a measurement overrode it.</summary>
/// <param name="Table">The table the hazard is on, when known (schema.name).</param>
/// <param name="TargetColumn">The column the hazard is on, when known.</param>
public sealed record LintFinding(string RuleId, LintSeverity Severity, int Line, int Column, string Message, string Rewrite,
    string? Table = null, string? TargetColumn = null)
{
    public static LintFinding For(LintRule rule, SqlStatement statement, string message, string? table = null, string? column = null) =>
        new(rule.Id, rule.Severity, statement.Line, statement.Column, message, rule.Rewrite, table, column);

    public LintRule Rule() => LintRules.All.First(r => r.Id == RuleId);
}
