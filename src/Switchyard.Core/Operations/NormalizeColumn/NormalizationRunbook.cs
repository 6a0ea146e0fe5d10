using Switchyard.Core.Planning;
using Switchyard.Core.Runbook;
using Switchyard.Core.Validation;

namespace Switchyard.Core.Operations.NormalizeColumn;

/// <summary>The go/no-go checks a normalization adds to the runbook: its unmapped preflight, and the validation suite that gates it.</summary>
internal static class NormalizationRunbook
{
    public static IEnumerable<string> GoNoGo(NormalizationTarget t, MigrationPhase phase, RunbookFacts facts)
    {
        switch (phase)
        {
            case MigrationPhase.Expand:
                yield return $"Every existing {t.SourceColumn} value maps to a code (unmapped preflight, run by apply before Expand).";
                break;
            case MigrationPhase.Validate:
                yield return "The validation suite passes (`switchyard validate`; apply runs it as the gate) and its results are stored in switchyard.validation_results:";
                foreach (var c in ValidationSuite.AllChecks) yield return $"check `{c.Name}`: {c.Description}";
                yield return ReadCost(facts.Size, PairIndexBuilt(t, facts.Plan));
                break;
        }
    }

    /// <summary>What the suite's full reads cost the live workload, for the Validate go/no-go.</summary>
    private static string ReadCost(RunbookTableSize size, string? pairIndex)
    {
        var limit = new ValidationOptions().SinglePassMaxBytes;
        var gib = size.Bytes / (1024.0 * 1024 * 1024);
        var onePass = pairIndex is null ? "completeness, orphans, mismatch and counts" : "completeness, orphans and counts";
        var reads = size.Bytes <= limit
            ? $"The {onePass} checks each read {size.Table} (~{gib:F1} GiB) in one parallel sequential scan through a small ring buffer, so the payments' cached pages stay cached; reconciliation and downstream read it in short key and day chunks."
            : $"The suite reads all of {size.Table} (~{gib:F1} GiB, above the {limit / (1024 * 1024)} MB single-pass limit) in short chunks.";
        if (pairIndex is not null)
            reads += $" Once index {pairIndex} is built (a step of this phase), the mismatch check reads no heap row: it lists the distinct (legacy value, id) pairs of that index by skip scan, one index descent per pair, judges each pair once, and counts the rows it covers.";
        return reads + " Chunk scans (key and TID ranges) do not use the ring buffer a plain sequential scan uses, so on a table larger than shared_buffers they push the payments' cached pages out: run the suite at low traffic and watch the canary p99 while it runs.";
    }

    /// <summary>The index on (target id, legacy column) a Validate step of the plan builds, which the mismatch check reads; null when none.</summary>
    private static string? PairIndexBuilt(NormalizationTarget t, MigrationPlan plan)
    {
        string[] pair = [t.TargetColumn, t.SourceColumn];
        return plan.Steps
            .Where(s => s.Phase == MigrationPhase.Validate && s.Index is { } i && i.Table == t.Table && i.Columns.Count >= 2
                && i.Columns.Take(2).Order(StringComparer.Ordinal).SequenceEqual(pair.Order(StringComparer.Ordinal)))
            .Select(s => s.Index!.Name)
            .FirstOrDefault();
    }
}
