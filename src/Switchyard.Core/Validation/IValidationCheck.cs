namespace Switchyard.Core.Validation;

/// <summary>One named, documented SQL check with a threshold.</summary>
public interface IValidationCheck
{
    /// <summary>The name used on the command line, in the table and in the journal.</summary>
    string Name { get; }

    /// <summary>What the check proves, in one sentence.</summary>
    string Description { get; }

    Task<CheckResult> RunAsync(ValidationScope scope, CancellationToken ct);
}
