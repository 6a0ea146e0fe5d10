using Switchyard.Core.Engine;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Operations;

/// <summary>
/// What a gate of an operation unit proves over every row: <see cref="UnprovenCountSql"/> counts the rows that fail
/// the proof, so zero passes. Built by the operation from its own typed fields, never read back out of SQL text.
/// </summary>
/// <param name="Table">The table scanned.</param>
/// <param name="Claim">What zero proves, e.g. "every row's amount and its shadow agree through up or down".</param>
/// <param name="Unproven">What a counted row is, for the failure message, after "N row(s) of the table", e.g. "have amount and _sy_new_amount in disagreement …".</param>
/// <param name="SuspectCountSql">One SELECT returning one bigint: the rows the first, usual test does not prove.</param>
/// <param name="UnprovenCountSql">One SELECT returning one bigint: the rows that fail the whole proof. It runs only when
/// there are suspects, so an expression it alone needs (a type change's down) is not even parsed when nothing calls for it,
/// as the trigger does not run it until the new version writes.</param>
public sealed record RowProof(QualifiedName Table, string Claim, string Unproven, string SuspectCountSql, string UnprovenCountSql) : IGateProof
{
    public Task<GateResult> CheckAsync(MigrationRun run, CancellationToken ct) => RowProofGate.CheckAsync(run, this, ct);
}
