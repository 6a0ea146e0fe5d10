using System.Diagnostics;
using Switchyard.Core.Engine;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations;
using Switchyard.Core.Spec;

namespace Switchyard.Core.Validation;

/// <summary>
/// <c>validate</c> for a migration without a normalization: every row proof its operations' gates check (e.g. a type
/// change's old column and shadow agreeing through up or down), run now over the expanded table, as one report
/// stored as evidence like the suite's. A check is named by the gate step that proves it.
/// </summary>
public static class RowProofValidation
{
    /// <summary>PostgreSQL's "no such column / table / function": the proof names objects Expand has not created yet.</summary>
    private static readonly HashSet<string> NotExpanded = ["42703", "42P01", "42883"];

    /// <returns>The report, and the journal id of the migration (null when it was never journaled) to store it under.</returns>
    public static async Task<(ValidationReport Report, long? MigrationId)> RunAsync(SafeSqlRunner sql, MigrationSpec spec, MigrationShape shape, CancellationToken ct)
    {
        var engine = new MigrationEngine(sql);
        var plan = await engine.PlanExpandedAsync(spec, ct).ConfigureAwait(false);
        var proofs = plan.Phases.SelectMany(p => p.Steps).Where(s => s.Proof is RowProof)
            .GroupBy(s => s.Proof).Select(g => (Step: g.First(), Proof: (RowProof)g.Key!)).ToList();
        if (proofs.Count == 0)
        {
            throw new SwitchyardException($"{spec.SourcePath ?? spec.Name}: migration '{spec.Name}' has no normalize_column and no operation whose gate proves rows, so validate has nothing to check.",
                "Its constraints are proven by VALIDATE CONSTRAINT in its Validate phase; validate proves a normalize_column or a type change (alter_column with type, up and down).");
        }
        var record = await engine.Journal.ExistsAsync(ct).ConfigureAwait(false) ? await engine.Journal.FindAsync(spec.Name, ct).ConfigureAwait(false) : null;
        var run = new MigrationRun(record?.Id ?? 0, spec.Name, plan, sql, engine.Journal);
        var started = Stopwatch.GetTimestamp();
        var results = new List<CheckResult>();
        foreach (var (step, proof) in proofs)
        {
            var at = Stopwatch.GetTimestamp();
            GateResult result;
            try
            {
                result = await proof.CheckAsync(run, ct).ConfigureAwait(false);
            }
            catch (SqlFailedException e) when (e.SqlState is { } state && NotExpanded.Contains(state))
            {
                throw new SwitchyardException($"the proof of step {step.Key} cannot run on {proof.Table}: {e.InnerException?.Message ?? e.Message}.",
                    $"validate proves a migration between its Backfill and its Contract: run `switchyard apply {spec.SourcePath ?? "<spec>"} --to backfill` first.");
            }
            // Rows examined: the suspects, the rows the first, cheap test did not prove and the whole proof re-checked.
            var (suspects, unproven) = (result.Evidence["suspects"], result.Evidence["unproven"]);
            results.Add(CheckResult.Of(step.Key, suspects, unproven, 0, [], Stopwatch.GetElapsedTime(at), result.Passed ? proof.Claim : result.Summary));
        }
        return (new ValidationReport(Guid.NewGuid(), plan.TargetTable.ToString(), shape, results, null, null, Stopwatch.GetElapsedTime(started)), record?.Id);
    }
}
