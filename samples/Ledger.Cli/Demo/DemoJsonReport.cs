using Switchyard.Cli;
using System.Text.Json;
using Switchyard.Cli.Output;
using Switchyard.Core.Validation;
using Switchyard.Samples.Ledger.Invariants;

namespace Switchyard.Samples.Ledger.Cli.Demo;

/// <summary>
/// <c>demo --json</c>: the whole run as one JSON document (snake_case, like every --json of the CLI), for CI and for
/// comparing runs. Latency is per phase and per operation type, so a slow regulatory report cannot hide in (or pass
/// for) a slow payment.
/// </summary>
internal static class DemoJsonReport
{
    public static string Render(DemoResult r) => JsonSerializer.Serialize(Document(r), CliOutput.Json);

    private static object Document(DemoResult r) => new
    {
        Migration = r.Options.Migration.Name,
        Options = new
        {
            r.Options.Rows,
            r.Options.OperationsPerSecond,
            PhaseSeconds = r.Options.PhaseTime.TotalSeconds,
            BackfillSeconds = r.Options.BackfillTime.TotalSeconds,
            r.Options.Faults,
            r.Options.Partitioned,
            r.Options.LatencySlo,
            r.Options.Database,
        },
        Source = r.Options.Migration.IsEf ? "ef" : "spec",
        r.EfHistoryVersion,
        r.SeededRows,
        r.SeedSeconds,
        r.TotalSeconds,
        r.ReportPath,
        Verdict = new
        {
            r.Passed,
            r.Problems,
            Failures = r.Failures,
            AuthorizationSlo = r.LatencySlo is not { } slo ? null : new
            {
                slo.Passed,
                slo.Multiple,
                slo.BaselinePhase,
                slo.BaselineP99Ms,
                slo.LimitMs,
                slo.Violations,
                Phases = slo.Phases.Select(p => new { p.Phase, p.Authorizations, p.P99Ms, p.Within }),
            },
        },
        Phases = r.Phases.Select(p => new
        {
            p.Name,
            p.StartSeconds,
            p.EndSeconds,
            p.Operations,
            p.Failed,
            Payments = new { p.P50Ms, p.P99Ms, p.MaxMs },
            p.LongestLockWaitMs,
            p.BackfillRowsPerSecond,
            p.Note,
            // Keyed by operation name, so a reader writes phases[i].latency.authorize.p99_ms.
            Latency = p.ByOperation.ToDictionary(o => o.Operation, o => new { o.Count, o.P50Ms, o.P95Ms, o.P99Ms, o.MaxMs, o.Failed }),
        }),
        Faults = r.Faults,
        MigratorRuns = r.MigratorRuns.Select(m => new { m.Phase, m.CommandLine, m.ExitCode, m.Killed, m.Seconds }),
        GuardDecisions = r.GuardDecisions,
        Journal = new { Runs = r.JournalRuns, r.Steps },
        Validations = r.Validations.Select(v => new
        {
            Shape = ValidationEvidence.ShapeName(v.Shape),
            v.Passed,
            v.Summary,
            Checks = v.Results.Select(c => new
            {
                c.Check,
                Outcome = ValidationEvidence.OutcomeName(c.Outcome),
                c.RowsExamined,
                c.Failures,
                Seconds = c.Duration.TotalSeconds,
                c.Detail,
            }),
        }),
        Invariants = r.Invariants is not { } inv ? null : new
        {
            inv.Passed,
            inv.SeededMoneySame,
            inv.TotalsExplained,
            inv.StatesComplete,
            inv.AuthorizationsSucceeded,
            inv.ChargebacksSucceeded,
            SeededBefore = Facts(inv.SeededBefore),
            SeededAfter = Facts(inv.SeededAfter),
            TotalBefore = Facts(inv.TotalBefore),
            TotalAfter = Facts(inv.TotalAfter),
        },
        Payments = r.Workload is not { } w ? null : new
        {
            w.TotalOperations,
            w.TotalFailed,
            w.TotalRejected,
            w.AchievedOperationsPerSecond,
            w.Versions,
        },
    };

    private static object Facts(LedgerInvariants i) => new
    {
        i.Transactions,
        i.SumAmountMinor,
        i.BalanceChecksum,
        i.Chargebacks,
        i.ChargebackSumMinor,
        i.StateMissing,
        i.StatusStateDisagreements,
    };
}
