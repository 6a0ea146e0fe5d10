using Switchyard.Core.Execution;
using Switchyard.Core.Planning;

namespace Switchyard.Core.Runbook;

/// <summary>
/// The runbook's "who is told what": SRE, compliance and product. A migration with flags (a normalization) has a
/// Cutover, report equivalence and a mismatch guard to explain; one without has only its steps and their proofs.
/// </summary>
internal static class RunbookAudiences
{
    public static IEnumerable<RunbookSection> Sections(MigrationPlan plan, string sizeText, SafeSqlOptions o)
    {
        var name = plan.Name;
        var flags = plan.FlagKey is not null;
        yield return new RunbookSection(2, "Who is told what", [new RunbookParagraph("Send each audience its part before Expand starts and at every gate.")]);
        yield return new RunbookSection(3, "SRE",
        [
            new RunbookBullets(
            [
                $"Lock budget: every DDL waits outside the lock queue while a conflicting holder exists (at most {o.ConflictWaitBudget.TotalSeconds:F0} s), then tries under lock_timeout {o.DdlLockTimeoutText}, at most {o.MaxAttempts} attempts with backoff; a customer query waits at most one lock_timeout per attempt.",
                "Lag budget: replication lag pauses the backfill at 64 MiB / 10 s and resumes below 8 MiB / 1 s; slot retention pauses at 1 GiB.",
                $"Watch: `switchyard status` (phase, steps, guards{(flags ? ", flags" : "")}), metrics endpoint, pg_stat_activity for sessions named switchyard*.",
                $"Pause: `switchyard pause -m {name} --reason \"...\"`; resume: `switchyard resume -m {name}` then `switchyard apply <spec>`.",
                $"Abort: `switchyard abort -m {name} --reason \"...\"` (stops between steps; what is done stays done).",
                flags
                    ? $"Roll back before Contract: `switchyard rollback -m {name} --to <phase>` (keeps that phase, undoes the later ones; each phase's table gives the time it takes; once Cutover has moved the flags, add `--confirm {name}`: rollback returns them to legacy and waits for every Compat client's acknowledgement first); read flags back: `switchyard cutover -m {name} --reads legacy`."
                    : $"Roll back before Contract: `switchyard rollback -m {name} --to <phase>` (keeps that phase, undoes the later ones; each phase's table gives the time it takes); `switchyard rollback -m {name}` undoes everything.",
            ]),
        ]);
        yield return new RunbookSection(3, "Compliance", [new RunbookBullets(flags ? FlagCompliance(plan) : Compliance(plan))]);
        yield return new RunbookSection(3, "Product",
        [
            new RunbookBullets(
            [
                "Expected user impact: none. Reads and writes continue throughout; no maintenance window.",
                flags
                    ? $"If something went wrong, what users could see: a write delayed by up to {o.LockTimeout.TotalMilliseconds:F0} ms while a DDL attempt waits (then it steps back); during Cutover a value shown from the new column that disagrees with the old one — the mismatch guard flips reads back to legacy at a 0.1% mismatch rate."
                    : $"If something went wrong, what users could see: a write delayed by up to {o.LockTimeout.TotalMilliseconds:F0} ms while a DDL attempt waits (then it steps back); a write the new rules refuse (see each operation's note on the applications).",
                $"Size of the change: {sizeText} in {plan.TargetTable}.",
            ]),
        ]);
    }

    private static string Evidence(string name) =>
        $"Evidence: `switchyard evidence {name} --format json --out evidence.json` exports the journal (steps, timings, events with OS and database user, validation results) with its event hash chain and a sha256 content checksum; add `--sign-key` so reviewers can prove with the public key who exported it and that nothing changed since.";

    private static List<string> FlagCompliance(MigrationPlan plan) =>
    [
        "Report equivalence: the regulatory report (per day, currency, status: count and Σ amount) is computed from the old and the new shape and must match line by line before Cutover.",
        $"Reconciliation: row count, Σ amount_minor and per-account balance checksums of {plan.TargetTable} are equal before and after; results are stored in switchyard.validation_results.",
        Evidence(plan.Name),
        "No row, cent or report line changes: the backfill only fills the new column; amounts are never written.",
    ];

    private static List<string> Compliance(MigrationPlan plan)
    {
        var proofs = plan.Steps.Where(s => s.Kind != StepKind.Backfill && (s.Traits.HasFlag(StepTraits.Scans) || s.Traits.HasFlag(StepTraits.IndexBuild))).Select(s => s.Description).ToList();
        var fills = plan.Steps.Where(s => s.Kind == StepKind.Backfill).Select(s => s.Description).ToList();
        return
        [
            proofs.Count > 0
                ? $"What proves every existing row: {string.Join("; ", proofs)}. A failure stops the migration before Contract, with nothing dropped."
                : fills.Count > 0
                    ? "No step re-reads the rows after the backfill: each row is written through the same trigger that serves live writes, so the backfill reaching the end of the table (`switchyard status`) is the proof."
                    : "No step scans existing rows: the changes are catalog-only or on new objects.",
            fills.Count > 0
                ? $"What writes existing rows: {string.Join("; ", fills)}. Only the new or shadow column is written, from the migration's up expression; the old values stay until Contract."
                : "No existing row is written.",
            Evidence(plan.Name),
        ];
    }
}
