using Switchyard.Samples.Ledger.Cli.Demo;
using Switchyard.Samples.Ledger.Workload;

namespace Switchyard.Samples.Ledger.Cli.Proof;

/// <summary>One run to a phase and back: the real program's exit codes and the schema dump after the rollback.</summary>
/// <param name="SchemaChanged">Whether the phase left the schema different from the start before the rollback (with version schemas every phase does).</param>
/// <param name="Violators">Rows the operation must fix, counted when the run started (check-fix only).</param>
/// <param name="Diff">Dump lines that differ from the starting dump after the rollback: empty when the rollback was exact.</param>
/// <param name="Versions">What each application version saw at the phase, before the rollback.</param>
internal sealed record PhaseRollback(string Phase, int ApplyExit, int RollbackExit, bool SchemaChanged, long? Violators, IReadOnlyList<string> Diff, VersionsSeen Versions)
{
    public bool Exact => ApplyExit == 0 && RollbackExit == 0 && Diff.Count == 0;
}

/// <summary>At one phase: the schema app v1's <c>transactions</c> resolved to, and the new version's view of it as "column type" pairs.</summary>
internal sealed record VersionsSeen(string OldAppResolvesTo, string NewVersionColumns);

/// <summary>Everything the proof found for one operation.</summary>
internal sealed class OperationProofResult
{
    public required ProvedOperation Operation { get; init; }
    public long SeededRows { get; set; }
    public List<PhaseRollback> Rollbacks { get; } = [];

    /// <summary>Exit code of the final expand → contract (-1 when it was not reached).</summary>
    public int ContractExit { get; set; } = -1;

    /// <summary>Rows to fix when the final run started (check-fix only).</summary>
    public long? ViolatorsBeforeContract { get; set; }

    /// <summary>Rows and catalog facts breaking the operation's promise after Contract (<see cref="ProvedOperation.ProblemsSql"/>).</summary>
    public long? ProblemsAfterContract { get; set; }

    public WorkloadReport? Workload { get; set; }
    public InvariantsComparison? Invariants { get; set; }

    /// <summary>Every seeded row's amount, as text, hashed before and after: the type change keeps every cent.</summary>
    public bool AmountsSame { get; set; }

    /// <summary>What app v1 did after Contract: traffic ran through it, or one authorize and one read were tried.</summary>
    public string OldAppAfterContract { get; set; } = "";

    /// <summary>Journal entries the dump comparison left out (see <see cref="ComparableSchema"/>), most in one dump.</summary>
    public int IgnoredJournalEntries { get; set; }

    public List<string> Problems { get; } = [];

    public double Seconds { get; set; }

    public bool Passed => Problems.Count == 0;

    /// <summary>Turns the figures into problems: anything here makes the proof fail.</summary>
    public void Judge()
    {
        foreach (var r in Rollbacks.Where(r => !r.Exact))
            Problems.Add(r.ApplyExit != 0 || r.RollbackExit != 0
                ? $"{r.Phase}: apply exited {r.ApplyExit}, rollback exited {r.RollbackExit}"
                : $"{r.Phase}: the schema after rollback differs from the start ({r.Diff.Count} lines, first: {r.Diff[0]})");
        foreach (var r in Rollbacks.Where(r => r.ApplyExit == 0))
        {
            if (r.Versions.OldAppResolvesTo != Operation.PreviousVersionSchema)
                Problems.Add($"{r.Phase}: app v1's transactions resolved to schema {r.Versions.OldAppResolvesTo}, not its version schema {Operation.PreviousVersionSchema}");
            if (!r.Versions.NewVersionColumns.Split(", ").Contains(Operation.NewVersionShows))
                Problems.Add($"{r.Phase}: the new version's view does not show {Operation.NewVersionShows} (it shows {r.Versions.NewVersionColumns})");
        }
        if (ContractExit != 0) Problems.Add($"expand → contract exited {ContractExit}");
        if (Operation.ViolatorsSql is not null && ViolatorsBeforeContract is not > 0) Problems.Add("no row violated the check before the final run: nothing proved the fix");
        if (ProblemsAfterContract is not 0) Problems.Add($"after Contract {ProblemsAfterContract?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"} rows or catalog facts break the operation's promise");
        if (Workload is { TotalFailed: > 0 } w)
            Problems.Add($"{w.TotalFailed} payment operations failed: {string.Join(" | ", w.Operations.SelectMany(o => o.Errors).Take(3))}");
        if (Invariants is { } inv && !inv.SeededMoneySame) Problems.Add($"the seeded rows' money changed: {inv.SeededBefore} → {inv.SeededAfter}");
        if (Invariants is { } totals && !totals.TotalsExplained) Problems.Add("the ledger's totals moved by more or less than the workload's successful authorizations and chargebacks");
        if (!AmountsSame) Problems.Add("a seeded row's amount changed (per-row checksum differs)");
    }
}
