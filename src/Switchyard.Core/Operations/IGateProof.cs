using Switchyard.Core.Engine;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Operations;

/// <summary>
/// What a gate step proves over its table before the next phase starts, built by the operation from its own typed
/// fields. The proof knows the scan that checks it; a gate plug-in (<see cref="IPhaseGate"/>) may check it more deeply.
/// </summary>
public interface IGateProof
{
    /// <summary>The table the proof scans.</summary>
    QualifiedName Table { get; }

    Task<GateResult> CheckAsync(MigrationRun run, CancellationToken ct);
}
