using System.Globalization;
using Switchyard.Cli.Output;

namespace Switchyard.Samples.Ledger.Cli.Proof;

/// <summary>The proof's results on the terminal (a table per operation) or as one JSON document.</summary>
internal static class OperationProofReport
{
    public static void Print(IReadOnlyList<OperationProofResult> results)
    {
        foreach (var r in results)
        {
            var rows = r.Rollbacks.Select(p => (IReadOnlyList<string>)[p.Phase, Exit(p.ApplyExit), Exit(p.RollbackExit), p.SchemaChanged ? "yes" : "no",
                Count(p.Violators), p.Versions.OldAppResolvesTo, p.Exact ? "identical" : $"DIFFERS ({p.Diff.Count} lines)"]).ToList();
            var w = r.Workload;
            var inv = r.Invariants;
            rows.Add(["expand → contract", Exit(r.ContractExit), "-", "-", Count(r.ViolatorsBeforeContract), "-",
                $"promise broken by {Count(r.ProblemsAfterContract)}; money {(inv is { SeededMoneySame: true, TotalsExplained: true } && r.AmountsSame ? "equal" : "CHANGED")}"]);
            CliOutput.Table($"{r.Operation.Name}: {r.Operation.Summary}", ["phase", "apply", "rollback", "phase changed schema", "rows to fix", "app v1 ran through", "schema after rollback / end state"], rows);
            CliOutput.Plain($"  {r.SeededRows:N0} seeded rows; traffic: {w?.TotalOperations ?? 0:N0} operations, {w?.TotalFailed ?? 0:N0} failed; app v1 after Contract: {r.OldAppAfterContract}");
            foreach (var p in r.Rollbacks.Where(p => p.Diff.Count > 0))
                foreach (var line in p.Diff.Take(10)) CliOutput.Plain($"  {p.Phase} diff: {line}");
            CliOutput.Plain(r.Passed ? $"  PROVED in {r.Seconds:F1} s" : $"  FAILED: {string.Join("; ", r.Problems)}");
        }
        CliOutput.Plain($"Dumps compared without the switchyard journal (schema switchyard except functions sy_*): at most {results.Select(r => r.IgnoredJournalEntries).DefaultIfEmpty().Max()} entries left out per dump.");
    }

    public static object Json(IReadOnlyList<OperationProofResult> results) => new
    {
        passed = results.All(r => r.Passed),
        ignored = "pg_dump entries in schema switchyard (the journal) and the schema itself, except functions named sy_* (operation trigger functions)",
        operations = results.Select(r => new
        {
            operation = r.Operation.Name,
            summary = r.Operation.Summary,
            migration = r.Operation.Yaml,
            passed = r.Passed,
            problems = r.Problems,
            seeded_rows = r.SeededRows,
            rollbacks = r.Rollbacks.Select(p => new { phase = p.Phase, apply_exit = p.ApplyExit, rollback_exit = p.RollbackExit, schema_changed = p.SchemaChanged, violators = p.Violators, identical = p.Exact, diff = p.Diff, old_app_resolves_to = p.Versions.OldAppResolvesTo, new_version_columns = p.Versions.NewVersionColumns }),
            contract_exit = r.ContractExit,
            violators_before_contract = r.ViolatorsBeforeContract,
            problems_after_contract = r.ProblemsAfterContract,
            operations = r.Workload?.TotalOperations,
            failed_operations = r.Workload?.TotalFailed,
            seeded_money_same = r.Invariants?.SeededMoneySame,
            totals_explained = r.Invariants?.TotalsExplained,
            amounts_same = r.AmountsSame,
            invariants_before = r.Invariants?.SeededBefore.ToString(),
            invariants_after = r.Invariants?.SeededAfter.ToString(),
            old_app_after_contract = r.OldAppAfterContract,
            ignored_journal_entries = r.IgnoredJournalEntries,
            seconds = r.Seconds,
        }),
    };

    private static string Exit(int code) => code switch { 0 => "ok", -1 => "not run", _ => "exit " + code.ToString(CultureInfo.InvariantCulture) };

    private static string Count(long? n) => n?.ToString("N0", CultureInfo.InvariantCulture) ?? "-";
}
