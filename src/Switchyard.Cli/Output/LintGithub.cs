using Switchyard.Core.Linting;

namespace Switchyard.Cli.Output;

/// <summary>
/// A lint report as GitHub Actions workflow commands (<c>::error file=…,line=…,col=…,title=SY001::message</c>), which
/// the runner turns into annotations on the pull request's diff.
/// </summary>
internal static class LintGithub
{
    public static IEnumerable<string> Lines(LintReport report) => report.Findings.Select(f =>
        $"::{Command(f.Severity)} file={Property(report.Source.Replace('\\', '/'))},line={f.Line},col={f.Column}," +
        $"title={Property(f.RuleId)}::{Data(f.Message)}");

    private static string Command(LintSeverity severity) => severity switch
    {
        LintSeverity.Error => "error",
        LintSeverity.Warning => "warning",
        _ => "notice",
    };

    // The runner's escaping (actions/toolkit command.ts): data escapes % CR LF; property values also : and ,.
    private static string Data(string text) => text.Replace("%", "%25", StringComparison.Ordinal)
        .Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);

    private static string Property(string text) => Data(text)
        .Replace(":", "%3A", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal);
}
