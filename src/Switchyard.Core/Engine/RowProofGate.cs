using Switchyard.Core.Execution;
using Switchyard.Core.Operations;

namespace Switchyard.Core.Engine;

/// <summary>The gate of an operation unit: one scan counting the rows its <see cref="RowProof"/> does not prove.</summary>
internal static class RowProofGate
{
    public static async Task<GateResult> CheckAsync(MigrationRun run, RowProof proof, CancellationToken ct)
    {
        var suspects = await CountAsync(run, proof.SuspectCountSql, "rows of " + proof.Table + " to prove", ct).ConfigureAwait(false);
        var unproven = suspects == 0 ? 0 : await CountAsync(run, proof.UnprovenCountSql, "row proof of " + proof.Table, ct).ConfigureAwait(false);
        var evidence = new Dictionary<string, long> { ["suspects"] = suspects, ["unproven"] = unproven };
        return unproven == 0
            ? new GateResult(true, proof.Claim, evidence)
            : new GateResult(false, $"{unproven:N0} row(s) of {proof.Table} {proof.Unproven}", evidence);
    }

    private static Task<long> CountAsync(MigrationRun run, string sql, string description, CancellationToken ct) =>
        run.Sql.InTransactionAsync(async (c, tx, token) =>
        {
            await using var cmd = SafeSqlRunner.Command(sql, c, tx);
            return (long)(await cmd.ExecuteScalarAsync(token).ConfigureAwait(false))!;
        }, ct, new TransactionTimeouts(StatementTimeout: TimeSpan.FromHours(1)), description);
}
