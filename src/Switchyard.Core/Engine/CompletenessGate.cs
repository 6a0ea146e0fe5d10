using Switchyard.Core.Operations;
using Switchyard.Core.Planning;

namespace Switchyard.Core.Engine;

/// <summary>The minimal gate: no row without a target value, none whose target disagrees with the mapped legacy value (via CodeSql).</summary>
public sealed class CompletenessGate : IPhaseGate
{
    public async Task<GateResult> CheckAsync(MigrationRun run, NormalizationTarget target, CancellationToken ct)
    {
        var (missing, mismatched) = await run.Sql.InTransactionAsync(async (c, tx, token) =>
        {
            await using var cmd = Execution.SafeSqlRunner.Command(NormalizationSql.Completeness(target), c, tx);
            await using var reader = await cmd.ExecuteReaderAsync(token).ConfigureAwait(false);
            await reader.ReadAsync(token).ConfigureAwait(false);
            return (reader.GetInt64(0), reader.GetInt64(1));
        }, ct, Execution.TransactionTimeouts.FullScan, "completeness check").ConfigureAwait(false);
        var evidence = new Dictionary<string, long> { ["missing"] = missing, ["mismatched"] = mismatched };
        return missing == 0 && mismatched == 0
            ? new GateResult(true, $"every {target.Table}.{target.TargetColumn} is set and matches {target.SourceColumn}", evidence)
            : new GateResult(false, $"{missing} row(s) of {target.Table} have no {target.TargetColumn} and {mismatched} disagree with {target.SourceColumn}", evidence);
    }
}
