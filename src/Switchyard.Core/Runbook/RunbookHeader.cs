using System.Reflection;

namespace Switchyard.Core.Runbook;

/// <summary>
/// What a change board asks of the document itself: when and by which tool it was generated, against which database,
/// who owns and approves the change, and in which window it runs.
/// </summary>
public sealed record RunbookHeader
{
    /// <summary>When the runbook was generated, from the caller's <see cref="TimeProvider"/>.</summary>
    public required DateTimeOffset GeneratedAt { get; init; }

    /// <summary>The target as user@host:port/database: never a password.</summary>
    public required string Target { get; init; }

    /// <summary>The tool's version.</summary>
    /// <value>The default is the informational version of Switchyard.Core.</value>
    public string ToolVersion { get; init; } = CurrentVersion();

    /// <summary>Who owns the change; null leaves a blank to fill in.</summary>
    public string? Owner { get; init; }

    /// <summary>Who approves it; empty leaves blanks to fill in.</summary>
    public IReadOnlyList<string> Approvers { get; init; } = [];

    /// <summary>The change window, as the operator writes it (e.g. "2026-12-03 02:00-04:00 UTC"); null leaves a blank.</summary>
    public string? ChangeWindow { get; init; }

    public static string CurrentVersion() =>
        typeof(RunbookHeader).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(RunbookHeader).Assembly.GetName().Version?.ToString()
        ?? "unknown";
}
