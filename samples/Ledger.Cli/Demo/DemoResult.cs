using Switchyard.Cli;
using Switchyard.Core.Validation;
using Switchyard.Samples.Ledger.Invariants;
using Switchyard.Samples.Ledger.Workload;

namespace Switchyard.Samples.Ledger.Cli.Demo;

/// <summary>One phase of the demo as the payments traffic saw it.</summary>
/// <param name="P50Ms">Payments only: every operation but the regulatory report (which is in <paramref name="ByOperation"/> on its own).</param>
/// <param name="ByOperation">Latency per operation type, the regulatory report included, in the workload's order.</param>
internal sealed record DemoPhase(
    string Name, double StartSeconds, double EndSeconds, long Operations, long Failed, double P50Ms, double P99Ms, double MaxMs,
    double LongestLockWaitMs, double? BackfillRowsPerSecond, string Note, IReadOnlyList<OperationLatency> ByOperation)
{
    public double Seconds => EndSeconds - StartSeconds;
}

/// <summary>One run of the switchyard program as a child process.</summary>
internal sealed record MigratorRun(string Phase, string CommandLine, int ExitCode, bool Killed, double Seconds, string LastLines);

/// <summary>A fault the demo injected (or could not inject, and why).</summary>
internal sealed record InjectedFault(double AtSeconds, string Fault, string Detail);

/// <summary>A guard decision or another journal event, as switchyard.events recorded it.</summary>
internal sealed record JournalEvent(DateTimeOffset At, string Kind, string Message);

/// <summary>Journal attempts of one step (switchyard.steps).</summary>
internal sealed record StepAttempts(string Step, string Status, int Attempts);

/// <summary>The money before and after: the seeded rows must be identical; the totals must differ by exactly what the workload did.</summary>
internal sealed record InvariantsComparison(
    LedgerInvariants SeededBefore, LedgerInvariants SeededAfter, LedgerInvariants TotalBefore, LedgerInvariants TotalAfter,
    long AuthorizationsSucceeded, long ChargebacksSucceeded)
{
    public bool SeededMoneySame => SeededBefore.SameMoneyAs(SeededAfter);

    public bool TotalsExplained =>
        TotalAfter.Transactions - TotalBefore.Transactions == AuthorizationsSucceeded
        && TotalAfter.Chargebacks - TotalBefore.Chargebacks == ChargebacksSucceeded;

    /// <summary>After Contract the status column is gone, so agreement means every row has a state (NOT NULL) and none is missing.</summary>
    public bool StatesComplete => SeededAfter.StateMissing is 0 && TotalAfter.StateMissing is 0 && (TotalAfter.StatusStateDisagreements ?? 0) == 0;

    public bool Passed => SeededMoneySame && TotalsExplained && StatesComplete;
}

/// <summary>Everything one demo run did and measured.</summary>
internal sealed class DemoResult
{
    public required DemoOptions Options { get; init; }
    public string Connection { get; set; } = "";
    public long SeededRows { get; set; }
    public double SeedSeconds { get; set; }
    public List<DemoPhase> Phases { get; } = [];
    public List<MigratorRun> MigratorRuns { get; } = [];
    public List<InjectedFault> Faults { get; } = [];
    public List<JournalEvent> GuardDecisions { get; } = [];
    public List<JournalEvent> JournalRuns { get; } = [];
    public List<StepAttempts> Steps { get; } = [];
    public List<ValidationReport> Validations { get; } = [];
    public InvariantsComparison? Invariants { get; set; }
    public WorkloadReport? Workload { get; set; }
    public IReadOnlyList<LagSample> Lag { get; set; } = [];
    public IReadOnlyList<ProgressSample> Progress { get; set; } = [];
    public IReadOnlyList<LockWaitSample> LockWaits { get; set; } = [];
    public List<string> Problems { get; } = [];
    public string? ReportPath { get; set; }
    public string BackfillRateOption { get; set; } = "";

    /// <summary>With <c>demo --ef</c>: the ProductVersion in <c>__EFMigrationsHistory</c> for the migration after Contract.</summary>
    public string? EfHistoryVersion { get; set; }
    public double TotalSeconds { get; set; }

    /// <summary>Authorization p99 per phase against the baseline's; null until the phases are measured.</summary>
    public AuthorizationSlo? LatencySlo { get; set; }

    public long FailedOperations => Workload?.TotalFailed ?? 0;

    /// <summary>The proof: no problem (failed payment, money, validation, migration) and the authorization SLO held.</summary>
    public bool Passed => Problems.Count == 0 && LatencySlo is { Passed: true };

    /// <summary>Every reason the proof failed: the problems, then the SLO's violations.</summary>
    public IReadOnlyList<string> Failures => [.. Problems, .. LatencySlo?.Violations ?? ["authorization p99 SLO was not evaluated"]];
}
