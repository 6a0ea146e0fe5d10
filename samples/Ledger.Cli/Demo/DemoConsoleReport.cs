using Switchyard.Cli;
using System.Globalization;
using Switchyard.Cli.Output;
using Switchyard.Core.Validation;

namespace Switchyard.Samples.Ledger.Cli.Demo;

/// <summary>The demo's result on the terminal: one row per phase, then the faults, guards, validation and the money.</summary>
internal static class DemoConsoleReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Print(DemoResult r)
    {
        // Redirected to a file or CI log, Spectre assumes 80 columns and would wrap every phase name.
        if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = Math.Max(Spectre.Console.AnsiConsole.Profile.Width, 140);
        CliOutput.Table($"{r.Options.Migration.Name} under {r.Options.OperationsPerSecond:N0} payments/s, {r.SeededRows:N0} rows{(r.Options.Partitioned ? " (partitioned)" : "")}{(r.Options.Faults ? ", faults" : "")}",
            ["phase", "s", "ops", "failed", "payments p50 ms", "p99 ms", "max ms", "lock wait ms", "backfill rows/s"],
            PhaseRows(r));
        PrintOperationLatency(r);

        if (r.Faults.Count > 0)
            CliOutput.Table("Injected faults", ["at s", "fault", "detail"], r.Faults.Select(f => (IReadOnlyList<string>)[f.AtSeconds.ToString("F1", Inv), f.Fault, f.Detail]));

        CliOutput.Table("Migrator runs (switchyard as a child process)", ["phase", "command", "exit", "s"],
            r.MigratorRuns.Select(m => (IReadOnlyList<string>)[m.Phase, Short(m.CommandLine, r.Options.Migration), m.Killed ? "killed (-9)" : m.ExitCode.ToString(Inv), m.Seconds.ToString("F1", Inv)]));

        var backfillSteps = r.Steps.Where(s => s.Step.StartsWith("backfill", StringComparison.Ordinal)).ToList();
        var runs = r.JournalRuns.Count(e => e.Kind == "run_started");
        if (r.Options.Migration.IsEf)
            CliOutput.Plain(r.EfHistoryVersion is { } v ? $"EF: __EFMigrationsHistory records {r.Options.Migration.Name} (EF {v})" : "EF: __EFMigrationsHistory does not record the migration");
        CliOutput.Plain($"journal: {runs} apply runs started; " + string.Join("; ", backfillSteps.Select(s => $"{s.Step} {s.Status} after {s.Attempts} attempt(s)")));

        if (r.GuardDecisions.Count > 0)
            CliOutput.Table("Guard decisions (switchyard.events kind 'guard')", ["at", "decision"],
                r.GuardDecisions.Select(g => (IReadOnlyList<string>)[g.At.ToString("HH:mm:ss.f", Inv), g.Message]));
        else
            CliOutput.Plain("guard decisions: none journaled (switchyard.events kind 'guard')");

        foreach (var v in r.Validations)
        {
            CliOutput.Table($"Validation suite ({ValidationEvidence.ShapeName(v.Shape)})", ["check", "outcome", "rows examined", "failures", "seconds"],
                v.Results.Select(c => (IReadOnlyList<string>)[c.Check, ValidationEvidence.OutcomeName(c.Outcome), c.RowsExamined.ToString("N0", Inv), c.Failures.ToString("N0", Inv), c.Duration.TotalSeconds.ToString("F2", Inv)]));
        }

        if (r.Invariants is { } inv)
        {
            CliOutput.Table("Ledger invariants", ["", "before", "after", "verdict"],
            [
                ["seeded rows: transactions", inv.SeededBefore.Transactions.ToString("N0", Inv), inv.SeededAfter.Transactions.ToString("N0", Inv), Same(inv.SeededBefore.Transactions == inv.SeededAfter.Transactions)],
                ["seeded rows: Σ amount_minor", inv.SeededBefore.SumAmountMinor.ToString("N0", Inv), inv.SeededAfter.SumAmountMinor.ToString("N0", Inv), Same(inv.SeededBefore.SumAmountMinor == inv.SeededAfter.SumAmountMinor)],
                ["seeded rows: balances md5", Md5(inv.SeededBefore.BalanceChecksum), Md5(inv.SeededAfter.BalanceChecksum), Same(inv.SeededBefore.BalanceChecksum == inv.SeededAfter.BalanceChecksum)],
                ["seeded rows: chargebacks", inv.SeededBefore.Chargebacks.ToString("N0", Inv), inv.SeededAfter.Chargebacks.ToString("N0", Inv), Same(inv.SeededBefore.Chargebacks == inv.SeededAfter.Chargebacks)],
                ["all rows: transactions", inv.TotalBefore.Transactions.ToString("N0", Inv), inv.TotalAfter.Transactions.ToString("N0", Inv), $"+{inv.TotalAfter.Transactions - inv.TotalBefore.Transactions:N0} = {inv.AuthorizationsSucceeded:N0} authorizations: {(inv.TotalAfter.Transactions - inv.TotalBefore.Transactions == inv.AuthorizationsSucceeded ? "ok" : "MISMATCH")}"],
                ["all rows: chargebacks", inv.TotalBefore.Chargebacks.ToString("N0", Inv), inv.TotalAfter.Chargebacks.ToString("N0", Inv), $"+{inv.TotalAfter.Chargebacks - inv.TotalBefore.Chargebacks:N0} = {inv.ChargebacksSucceeded:N0} chargebacks: {(inv.TotalAfter.Chargebacks - inv.TotalBefore.Chargebacks == inv.ChargebacksSucceeded ? "ok" : "MISMATCH")}"],
                ["rows without a state / status≠state", "-", $"{inv.TotalAfter.StateMissing?.ToString(Inv) ?? "n/a"} / {inv.TotalAfter.StatusStateDisagreements?.ToString(Inv) ?? "n/a (status dropped)"}", Same(inv.StatesComplete)],
            ]);
        }

        if (r.Workload is { } w)
            CliOutput.Plain($"payments: {w.TotalOperations:N0} operations at {w.AchievedOperationsPerSecond:N1} ops/s, {w.TotalFailed:N0} failed, {w.TotalRejected:N0} rejected by the ledger's guarded updates (expected: concurrent lifecycle steps), p99 {w.Latency.P99Ms:F1} ms, max {w.Latency.MaxMs:F1} ms; by version: {string.Join(", ", w.Versions.Select(v => $"{v.Version} {v.Operations:N0} ops / {v.Failed} failed"))}");
        foreach (var op in r.Workload?.Operations.Where(o => o.Errors.Count > 0) ?? [])
            CliOutput.Plain($"  {op.Kind} errors ({op.Failed} failed; first ones): {string.Join(" | ", op.Errors.Select(e => e.Split('\n')[0].Trim()).Distinct())}");
        CliOutput.Plain($"total demo time: {r.TotalSeconds:F0} s");
        if (r.ReportPath is not null) CliOutput.Plain($"report: {r.ReportPath}");
        if (r.LatencySlo is { } slo) CliOutput.Plain(slo.Summary);
        if (r.Passed) CliOutput.Success($"Zero-downtime proof: no payment failed, the money is unchanged, validation is green, authorization p99 within {r.Options.LatencySlo.ToString("0.##", Inv)} × baseline in every phase.");
        else foreach (var p in r.Failures) CliOutput.Fail(p, null);
    }

    /// <summary>p99 per phase and operation type (count below it), then authorization in full: the SLO's operation.</summary>
    private static void PrintOperationLatency(DemoResult r)
    {
        var operations = r.Phases.SelectMany(p => p.ByOperation.Select(o => o.Operation)).Distinct().ToList();
        if (operations.Count == 0) return;
        CliOutput.Table("p99 ms per operation (operations completed)", ["phase", .. operations],
            r.Phases.Select(p => (IReadOnlyList<string>)
            [
                p.Name, .. operations.Select(name => p.ByOperation.FirstOrDefault(o => o.Operation == name) is { Count: > 0 } o
                    ? $"{o.P99Ms.ToString("F1", Inv)} ({o.Count.ToString("N0", Inv)})" : "-"),
            ]));
        var verdicts = r.LatencySlo?.Phases.ToDictionary(p => p.Phase, p => p.Within) ?? [];
        CliOutput.Table($"authorize per phase (SLO: p99 ≤ {r.LatencySlo?.LimitMs.ToString("F1", Inv) ?? "?"} ms)", ["phase", "count", "failed", "p50 ms", "p95 ms", "p99 ms", "max ms", "SLO"],
            r.Phases.Select(p => p.ByOperation.FirstOrDefault(o => o.Operation == OperationLatency.Authorization) is { } a
                ? (IReadOnlyList<string>)
                [
                    p.Name, a.Count.ToString("N0", Inv), a.Failed.ToString("N0", Inv), a.P50Ms.ToString("F1", Inv), a.P95Ms.ToString("F1", Inv),
                    a.P99Ms.ToString("F1", Inv), a.MaxMs.ToString("F1", Inv), verdicts.GetValueOrDefault(p.Name) switch { true => "ok", false => "OVER", null => "n/a" },
                ]
                : [p.Name, "0", "0", "", "", "", "", "n/a"]));
    }

    /// <summary>The command without the program name, its source (spec, or EF assembly and cleaning) and connection: what differs between runs.</summary>
    private static string Short(string commandLine, DemoMigration migration) =>
        commandLine.Replace("switchyard ", "", StringComparison.Ordinal)
            .Replace(" " + string.Join(' ', migration.Apply.Skip(migration.IsEf ? 2 : 1)).Replace(migration.Source, migration.SourcePlaceholder, StringComparison.Ordinal), "", StringComparison.Ordinal)
            .Replace(" -c <conn>", "", StringComparison.Ordinal).Replace(" -m " + migration.Name, "", StringComparison.Ordinal);

    private static string Md5(string checksum) => checksum.Length > 12 ? checksum[..12] + "…" : checksum;

    private static string Same(bool same) => same ? "equal" : "DIFFERENT";

    private static IEnumerable<IReadOnlyList<string>> PhaseRows(DemoResult r) => r.Phases.Select(p => (IReadOnlyList<string>)
    [
        p.Name, p.Seconds.ToString("F1", Inv), p.Operations.ToString("N0", Inv), p.Failed.ToString("N0", Inv),
        p.P50Ms.ToString("F1", Inv), p.P99Ms.ToString("F1", Inv), p.MaxMs.ToString("F1", Inv), p.LongestLockWaitMs.ToString("F0", Inv),
        p.BackfillRowsPerSecond?.ToString("N0", Inv) ?? "",
    ]);
}
