namespace Switchyard.Core.Planning;

/// <summary>
/// A step's answer to a lint rule its SQL trips on its own: why the plan makes it safe (e.g. a shadow column renamed
/// into place in Contract, a name no application ever used). The spec linter reports such a finding as info, with the reason.
/// </summary>
public sealed record LintClaim(string RuleId, string Reason);
