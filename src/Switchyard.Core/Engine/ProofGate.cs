using Switchyard.Core.Operations;

namespace Switchyard.Core.Engine;

/// <summary>The engine's default gate: each proof's own scan (a normalization's completeness, a unit's row proof).</summary>
public sealed class ProofGate : IPhaseGate
{
    public Task<GateResult> CheckAsync(MigrationRun run, IGateProof proof, CancellationToken ct) => proof.CheckAsync(run, ct);
}
