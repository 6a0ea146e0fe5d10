using Switchyard.Core.Engine;
using Switchyard.Core.Operations;
using Switchyard.Core.Planning;

namespace Switchyard.Core.Validation;

/// <summary>
/// The engine's gate (<see cref="IPhaseGate"/>) backed by the validation suite a proof contributes
/// (<see cref="ISuiteProof"/>, a normalization's): runs every check against the shape the table should be in, stores the
/// results as evidence linked to the migration, and fails naming the failing checks. Any other proof is checked by its
/// own scan. Wire it with <c>new MigrationEngine(sql, backfill, new ValidationSuiteGate(...))</c>.
/// </summary>
public sealed class ValidationSuiteGate : IPhaseGate
{
    private readonly ReconciliationSettings _settings;
    private readonly ValidationOptions _options;

    /// <param name="settings">What the table's money means (a spec's <c>validation:</c> section).</param>
    /// <param name="options">Chunking, thresholds and the expected shape (the engine's gate runs before Validate's DDL: Backfilled).</param>
    public ValidationSuiteGate(ReconciliationSettings settings, ValidationOptions? options = null)
    {
        _settings = settings;
        _options = options ?? new ValidationOptions();
        _options.Validate();
    }

    public async Task<GateResult> CheckAsync(MigrationRun run, IGateProof proof, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (proof is not ISuiteProof suite) return await proof.CheckAsync(run, ct).ConfigureAwait(false);
        // Before Validate's DDL the table is Backfilled; before Contract it must be validated and cut over.
        var options = run.GatePhase == MigrationPhase.Contract ? _options with { Shape = MigrationShape.CutOver } : _options;
        var report = await suite.RunSuiteAsync(run, _settings, options, ct).ConfigureAwait(false);
        await ValidationEvidence.StoreAsync(run.Sql, report, run.MigrationId, ct).ConfigureAwait(false);
        var evidence = report.Results.ToDictionary(r => r.Check + "_failures", r => r.Failures);
        foreach (var r in report.Results) evidence[r.Check + "_rows"] = r.RowsExamined;
        var failing = report.Results.Where(r => r.Outcome == CheckOutcome.Failed)
            .Select(r => $"{r.Check}: {r.Detail}" + (r.SampleKeys.Count > 0 ? $" (e.g. {string.Join(", ", r.SampleKeys)})" : ""));
        var summary = report.Passed ? report.Summary : report.Summary + " — " + string.Join("; ", failing);
        return new GateResult(report.Passed, summary + $"; evidence: switchyard.validation_results run_id {report.RunId}", evidence);
    }
}
