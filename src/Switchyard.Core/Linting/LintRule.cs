using Switchyard.Core.Execution;

namespace Switchyard.Core.Linting;

/// <summary>A rule with a stable id: what it catches, why it hurts on a live ledger, and the safe way to write it.</summary>
/// <param name="AssumedLock">The lock the hazardous statement takes per the PostgreSQL manual; measurement overrides it.</param>
/// <param name="AssumedRewrite">True when the hazard is a table rewrite; a measurement showing none downgrades the finding.</param>
public sealed record LintRule(string Id, string Name, LintSeverity Severity, string Explanation, string Rewrite,
    LockMode AssumedLock = LockMode.None, bool AssumedRewrite = false);
