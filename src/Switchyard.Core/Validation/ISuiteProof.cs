using Switchyard.Core.Engine;

namespace Switchyard.Core.Validation;

/// <summary>
/// A gate proof that contributes a validation suite of its own (a normalization's: completeness, mismatch, orphans,
/// counts, reconciliation, downstream report, sampling, catalog), which <see cref="ValidationSuiteGate"/> runs instead
/// of the proof's own scan, with the spec's money settings and the gate's options.
/// </summary>
public interface ISuiteProof
{
    /// <param name="options">The gate's options, with the shape the table must be in at this gate.</param>
    Task<ValidationReport> RunSuiteAsync(MigrationRun run, ReconciliationSettings settings, ValidationOptions options, CancellationToken ct);
}
