using System.Globalization;
using System.Text.Json;
using Switchyard.Cli.Output;
using Switchyard.Core.Validation;

namespace Switchyard.Samples.Ledger.Cli.Demo;

/// <summary>
/// The sharded demo's result: on the terminal, the proof per shard, each shard's phases, the fleet's barrier waits,
/// the faults and the migrator runs; with <c>--json</c> the same as one document.
/// </summary>
internal static class ShardedDemoReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Print(ShardedDemoResult r)
    {
        if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = Math.Max(Spectre.Console.AnsiConsole.Profile.Width, 140);
        var o = r.Options;
        CliOutput.Table($"{o.Demo.Migration.Name} on {o.Shards} shards ({o.RowsPerShard:N0} rows and {o.OperationsPerSecondPerShard:N0} payments/s each{(o.Demo.Faults ? ", faults" : "")})",
            ["shard", "seeded rows", "ops", "failed", "journal", "validation", "seeded money", "totals explained", "proof"],
            r.Shards.Select(s => (IReadOnlyList<string>)
            [
                s.Name, s.SeededRows.ToString("N0", Inv), (s.Workload?.TotalOperations ?? 0).ToString("N0", Inv), (s.Workload?.TotalFailed ?? 0).ToString("N0", Inv),
                $"{s.JournalPhase}/{s.JournalState}", string.Join(", ", s.Validations.Select(v => $"{ValidationEvidence.ShapeName(v.Shape)} {(v.Passed ? "green" : "RED")}")),
                s.Invariants is { } i ? (i.SeededMoneySame ? "unchanged" : "CHANGED") : "-", s.Invariants is { } t ? (t.TotalsExplained ? "yes" : "NO") : "-",
                s.Passed ? "ok" : "FAILED",
            ]));

        CliOutput.Table("Phases per shard (payments p99 excludes the regulatory report)", ["shard", "phase", "s", "ops", "failed", "p99 ms"],
            r.Shards.SelectMany(s => s.Phases.Select(p => (IReadOnlyList<string>)
                [s.Name, p.Name, p.Seconds.ToString("F1", Inv), p.Operations.ToString("N0", Inv), p.Failed.ToString("N0", Inv), p.P99Ms.ToString("F1", Inv)])));

        CliOutput.Table("Barrier waits (from each shard's journal: its last step of the phase, then waiting for the last shard)",
            ["phase", "shard", "finished at s", "waited s", "waited for"],
            r.BarrierWaits.Select(b => (IReadOnlyList<string>)
                [b.Phase, b.Shard, b.FinishedAtSeconds.ToString("F1", Inv), b.WaitedSeconds.ToString("F1", Inv), b.WaitedFor ?? "(last: released the barrier)"]));

        if (r.Faults.Count > 0)
            CliOutput.Table("Injected faults", ["at s", "fault", "detail"], r.Faults.Select(f => (IReadOnlyList<string>)[f.AtSeconds.ToString("F1", Inv), f.Fault, f.Detail]));

        var guards = r.Shards.SelectMany(s => s.GuardDecisions.Select(g => (IReadOnlyList<string>)[s.Name, g.At.ToString("HH:mm:ss.f", Inv), g.Message])).ToList();
        if (guards.Count > 0) CliOutput.Table("Guard decisions per shard (switchyard.events kind 'guard')", ["shard", "at", "decision"], guards);
        else CliOutput.Plain("guard decisions: none journaled on any shard (switchyard.events kind 'guard')");

        CliOutput.Table("Migrator runs (switchyard as a child process, fleet-wide)", ["phase", "command", "exit", "s"],
            r.MigratorRuns.Select(m => (IReadOnlyList<string>)
                [m.Phase, m.CommandLine.Replace("switchyard ", "", StringComparison.Ordinal), m.Killed ? "killed (-9)" : m.ExitCode.ToString(Inv), m.Seconds.ToString("F1", Inv)]));

        var runIds = r.Shards.Select(s => s.FleetRunId?.ToString() ?? "none").Distinct().ToList();
        CliOutput.Plain($"fleet file: {r.FleetFile}; fleet run id in the shards' journals: {string.Join(", ", runIds)}");
        foreach (var s in r.Shards.Where(s => s.Steps.Any(st => st.Attempts > 1)))
            CliOutput.Plain($"{s.Name}: steps run more than once: {string.Join("; ", s.Steps.Where(st => st.Attempts > 1).Select(st => $"{st.Step} {st.Attempts}×"))}");
        CliOutput.Plain($"total demo time: {r.TotalSeconds:F0} s");
        if (r.Passed) CliOutput.Success($"Proof on every shard: no payment failed, the seeded money is unchanged, the totals are explained, validation is green and the migration completed on all {r.Shards.Count} shards.");
        else foreach (var f in r.Failures) CliOutput.Fail(f, null);
    }

    public static string Json(ShardedDemoResult r) => JsonSerializer.Serialize(Document(r), CliOutput.Json);

    private static object Document(ShardedDemoResult r) => new
    {
        Migration = r.Options.Demo.Migration.Name,
        Options = new
        {
            r.Options.Shards,
            r.Options.Demo.Rows,
            r.Options.RowsPerShard,
            r.Options.Demo.OperationsPerSecond,
            r.Options.OperationsPerSecondPerShard,
            PhaseSeconds = r.Options.Demo.PhaseTime.TotalSeconds,
            BackfillSeconds = r.Options.Demo.BackfillTime.TotalSeconds,
            r.Options.Demo.Faults,
            r.Options.Demo.Database,
        },
        r.FleetFile,
        r.TotalSeconds,
        Verdict = new { r.Passed, r.Problems, r.Failures },
        Shards = r.Shards.Select(s => new
        {
            s.Name,
            s.Home,
            s.Passed,
            s.SeededRows,
            s.SeedSeconds,
            Journal = new { Phase = s.JournalPhase, State = s.JournalState, s.FleetRunId, s.Steps },
            s.Problems,
            Payments = s.Workload is not { } w ? null : new { w.TotalOperations, w.TotalFailed, w.TotalRejected, w.AchievedOperationsPerSecond },
            s.Phases,
            s.GuardDecisions,
            Validations = s.Validations.Select(v => new { Shape = ValidationEvidence.ShapeName(v.Shape), v.Passed, v.Summary }),
            Invariants = s.Invariants is not { } i ? null : new
            {
                i.Passed,
                i.SeededMoneySame,
                i.TotalsExplained,
                i.StatesComplete,
                i.AuthorizationsSucceeded,
                i.ChargebacksSucceeded,
                TransactionsBefore = i.TotalBefore.Transactions,
                TransactionsAfter = i.TotalAfter.Transactions,
            },
        }),
        r.BarrierWaits,
        r.Faults,
        MigratorRuns = r.MigratorRuns.Select(m => new { m.Phase, m.CommandLine, m.ExitCode, m.Killed, m.Seconds }),
    };
}
