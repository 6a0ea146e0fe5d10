using Switchyard.Core.Operations;

namespace Switchyard.Core.Engine;

/// <summary>The gate of an operation unit: one scan counting the rows its <see cref="RowProof"/> does not prove.</summary>
internal static class RowProofGate
{
    public static async Task<GateResult> CheckAsync(MigrationRun run, RowProof proof, CancellationToken ct)
    {
        var suspects = await run.Sql.CountScanAsync(proof.SuspectCountSql, "rows of " + proof.Table + " to prove", ct).ConfigureAwait(false);
        var unproven = suspects == 0 ? 0 : await run.Sql.CountScanAsync(proof.UnprovenCountSql, "row proof of " + proof.Table, ct).ConfigureAwait(false);
        var evidence = new Dictionary<string, long> { ["suspects"] = suspects, ["unproven"] = unproven };
        return unproven == 0
            ? new GateResult(true, proof.Claim, evidence)
            : new GateResult(false, $"{unproven:N0} row(s) of {proof.Table} {proof.Unproven}", evidence);
    }
}
