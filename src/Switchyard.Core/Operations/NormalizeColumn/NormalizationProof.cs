using Switchyard.Core.Engine;
using Switchyard.Core.Execution;
using Switchyard.Core.Validation;

namespace Switchyard.Core.Operations.NormalizeColumn;

/// <summary>
/// A normalization's gate: no row without a target value, none whose target disagrees with the mapped legacy value
/// (through <see cref="NormalizationTarget.CodeSql(string)"/>). It contributes the validation suite, which proves much
/// more when the engine's gate is <see cref="ValidationSuiteGate"/>.
/// </summary>
public sealed record NormalizationProof(NormalizationTarget Target) : IGateProof, ISuiteProof
{
    public QualifiedName Table => Target.Table;

    public Task<ValidationReport> RunSuiteAsync(MigrationRun run, ReconciliationSettings settings, ValidationOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new ValidationSuite(run.Sql, Target, settings, options).RunAsync(null, false, ct);
    }

    public async Task<GateResult> CheckAsync(MigrationRun run, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(run);
        var (missing, mismatched) = await run.Sql.InTransactionAsync(async (c, tx, token) =>
        {
            await using var cmd = SafeSqlRunner.Command(NormalizationSql.Completeness(Target), c, tx);
            await using var reader = await cmd.ExecuteReaderAsync(token).ConfigureAwait(false);
            await reader.ReadAsync(token).ConfigureAwait(false);
            return (reader.GetInt64(0), reader.GetInt64(1));
        }, ct, TransactionTimeouts.FullScan, "completeness check").ConfigureAwait(false);
        var evidence = new Dictionary<string, long> { ["missing"] = missing, ["mismatched"] = mismatched };
        var t = Target;
        return missing == 0 && mismatched == 0
            ? new GateResult(true, $"every {t.Table}.{t.TargetColumn} is set and matches {t.SourceColumn}", evidence)
            : new GateResult(false, $"{missing} row(s) of {t.Table} have no {t.TargetColumn} and {mismatched} disagree with {t.SourceColumn}", evidence);
    }
}
