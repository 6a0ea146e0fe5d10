namespace Switchyard.Core.Linting;

/// <summary>How bad a finding is; CI fails on <see cref="Error"/> by default (see <see cref="LintFailOn"/>).</summary>
public enum LintSeverity
{
    Info,
    Warning,
    Error,
}

/// <summary>Which findings make <c>switchyard lint</c> exit non-zero.</summary>
public enum LintFailOn
{
    /// <summary>Exit 2 when any error is found (the default).</summary>
    Error,

    /// <summary>Also exit 1 when only warnings are found.</summary>
    Warning,

    /// <summary>Report only; always exit 0 unless the lint could not run.</summary>
    None,
}
