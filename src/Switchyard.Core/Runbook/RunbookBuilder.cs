using System.Globalization;
using Switchyard.Core.Execution;
using Switchyard.Core.Guards;
using Switchyard.Core.Planning;

namespace Switchyard.Core.Runbook;

/// <summary>
/// Builds the change-board runbook from the engine's <see cref="MigrationPlan"/>: summary and risk, deployment
/// sequencing, each phase (steps, SQL, lock, duration, go/no-go, pause/rollback signals, rollback), the point of no
/// return, and what SRE, compliance and product are told.
/// </summary>
public static class RunbookBuilder
{
    /// <param name="header">Generation time, tool, target, owner, approvers and window; null leaves the change record out.</param>
    public static RunbookDocument Build(MigrationPlan plan, RunbookTableSize size, RunbookRates? rates = null, SafeSqlOptions? sqlOptions = null, RunbookHeader? header = null)
    {
        rates ??= new RunbookRates();
        rates.Validate();
        sqlOptions ??= new SafeSqlOptions();
        var sections = new List<RunbookSection>();
        if (header is not null) sections.AddRange(RunbookChangeRecord.Sections(header));
        sections.Add(Summary(plan, size, rates));
        sections.Add(RunbookOperations.Section(plan));
        sections.Add(RunbookOperations.Sequencing(plan));
        // Cutover is people-paced flag flipping: shown even without steps when the plan has flags, left out otherwise.
        foreach (var phase in plan.Phases.Where(p => p.Steps.Count > 0 || (p.Phase is MigrationPhase.Cutover && plan.FlagKey is not null)))
            sections.AddRange(Phase(plan, phase, size, rates, sqlOptions));
        sections.Add(PointOfNoReturn(plan));
        sections.AddRange(RunbookAudiences.Sections(plan, SizeText(size), sqlOptions));
        return new RunbookDocument($"Runbook: {plan.Name}", sections);
    }

    private static RunbookSection Summary(MigrationPlan plan, RunbookTableSize size, RunbookRates rates)
    {
        var rewrites = plan.Steps.Where(s => s.RewritesTable).ToList();
        var exclusive = plan.Steps.Count(s => s.Lock == LockMode.AccessExclusive);
        var risk = rewrites.Count > 0
            ? $"HIGH: {rewrites.Count} step(s) rewrite the table under ACCESS EXCLUSIVE ({string.Join(", ", rewrites.Select(s => s.Key))})."
            : $"LOW: no step rewrites or scans {plan.TargetTable} under a lock that blocks reads or writes. {exclusive} step(s) take ACCESS EXCLUSIVE for a catalog-only change, each under lock_timeout, entering the lock queue only when no conflicting holder is present, with bounded retries.";
        var total = plan.Phases.Sum(p => p.Steps.Sum(s => Estimate(s, size, rates).TotalSeconds));
        return new RunbookSection(2, "Summary and risk",
        [
            new RunbookTable(["item", "value"],
            [
                ["migration", plan.Name],
                ["target table", plan.TargetTable.ToString()],
                ["table size (planner statistics)", SizeText(size)],
                ["spec checksum (sha256)", plan.SpecChecksum],
                ["phases", string.Join(" → ", plan.Phases.Where(p => p.Steps.Count > 0 || (p.Phase is MigrationPhase.Cutover && plan.FlagKey is not null)).Select(p => p.Phase))],
                ["steps", plan.Steps.Count().ToString(CultureInfo.InvariantCulture)],
                ["feature flag", plan.FlagKey ?? "none"],
                ["machine time (estimate)", $"{Duration(TimeSpan.FromSeconds(total))}, plus the time people take at the gates"],
                ["backfill rate (estimates)", rates.BackfillRateText],
            ]),
            new RunbookParagraph($"Risk: {risk}"),
            new RunbookParagraph($"Point of no return: {PointOfNoReturnText(plan)}"),
        ]);
    }

    private static IEnumerable<RunbookSection> Phase(MigrationPlan plan, PlanPhase phase, RunbookTableSize size, RunbookRates rates, SafeSqlOptions sqlOptions)
    {
        var strongest = phase.Steps.Select(s => s.Lock).DefaultIfEmpty(LockMode.None).Max();
        var duration = TimeSpan.FromSeconds(phase.Steps.Sum(s => Estimate(s, size, rates).TotalSeconds));
        yield return new RunbookSection(2, $"Phase {(int)phase.Phase}: {phase.Phase}",
        [
            new RunbookTable(["item", "value"],
            [
                ["strongest lock", $"{LockModes.SqlName(strongest)}{(strongest == LockMode.None ? "" : $" on {plan.TargetTable}")}"],
                ["expected duration (estimate)", phase.Phase == MigrationPhase.Cutover ? "people-paced: each flag step is held while the mismatch rate and latency stay within bounds" : Duration(duration)],
                ["gate before the next phase", phase.Gate],
                ["needs people", phase.GateNeedsPeople ? "yes" : "no"],
                ["point of no return", phase.PointOfNoReturn ? "YES: after this phase rollback cannot restore the old shape" : "no"],
                ["rollback time (estimate)", RollbackTime(phase, sqlOptions)],
            ]),
        ]);
        yield return new RunbookSection(3, $"{phase.Phase}: steps",
        [
            new RunbookTable(["step", "what", "lock", "rewrite", "estimate"],
                [.. phase.Steps.Select(s => (IReadOnlyList<string>)[s.Key, s.Description, LockText(s), s.RewritesTable ? "yes" : "no", EstimateText(s, size, rates)])]),
            .. phase.Steps.Select(s => (RunbookBlock)new RunbookCode("sql", $"-- {s.Key}{(s.Concurrently ? " (outside a transaction)" : "")}\n{s.Sql.Trim()}")),
        ]);
        yield return new RunbookSection(3, $"{phase.Phase}: go / no-go checks", [new RunbookBullets(GoNoGo(plan, phase, size, sqlOptions))]);
        yield return new RunbookSection(3, $"{phase.Phase}: signals that pause or roll back", SignalBlocks(plan, phase));
        var rollbacks = phase.Steps.Reverse().Where(s => s.Rollback is not null)
            .Select(s => $"{s.Key}: {s.Rollback!.Description}{(s.Rollback.Sql is { } sql ? $" — `{OneLine(sql)}`" : "")}").ToList();
        yield return new RunbookSection(3, $"{phase.Phase}: rollback",
        [
            new RunbookParagraph(phase.PointOfNoReturn
                ? "None after it completes: this is the point of no return. Before its first step, the earlier phases can still be rolled back."
                : phase.Phase == MigrationPhase.Expand
                    ? $"`switchyard rollback -m {plan.Name}` undoes everything, newest step first (add `--spec <spec>` if the spec is no longer at the path the journal recorded):"
                    : phase.Phase == MigrationPhase.Cutover
                        ? $"`switchyard rollback -m {plan.Name} --to {PreviousPhase(phase.Phase)} --confirm {plan.Name}` returns the flags to legacy, waits until every connected Compat client acknowledges, then undoes this phase, newest step first (add `--spec <spec>` if the spec is no longer at the path the journal recorded):"
                        : $"`switchyard rollback -m {plan.Name} --to {PreviousPhase(phase.Phase)}` undoes this phase, newest step first (add `--spec <spec>` if the spec is no longer at the path the journal recorded):"),
            new RunbookBullets(rollbacks.Count > 0 ? rollbacks : ["nothing to undo in this phase"]),
        ]);
    }

    private static List<string> GoNoGo(MigrationPlan plan, PlanPhase phase, RunbookTableSize size, SafeSqlOptions sqlOptions)
    {
        var checks = new List<string>();
        var gates = phase.Steps.Where(s => s.Kind == StepKind.Gate).ToList();
        var facts = new RunbookFacts(plan, size);
        var contributed = plan.Units.SelectMany(u => u.GoNoGo(phase.Phase, facts)).ToList();
        switch (phase.Phase)
        {
            case MigrationPhase.Expand:
                checks.Add("No transaction open longer than 60 s on the cluster: `SELECT pid, now() - xact_start FROM pg_stat_activity WHERE xact_start < now() - interval '60 seconds'` returns no rows.");
                checks.Add("Replication lag below the pause thresholds (table below) on every standby: `SELECT application_name, replay_lag, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) FROM pg_stat_replication`.");
                checks.AddRange(contributed);
                checks.Add("`switchyard plan <spec>` printed and reviewed; `switchyard lint <spec>` clean.");
                break;
            case MigrationPhase.Backfill:
                checks.Add("Expand steps all `done` in `switchyard status`; the trigger that fills the new column for every write exists.");
                checks.Add("Guards green: replication lag, lock waits and canary latency below their slow thresholds.");
                checks.AddRange(contributed);
                break;
            case MigrationPhase.Validate:
                checks.AddRange(contributed.Count > 0 ? contributed
                    : ["Every step of this phase completes: each one that scans proves every existing row (a failure stops apply here, before Contract, with nothing dropped)."]);
                break;
            case MigrationPhase.Cutover:
                checks.Add("App v2 deployed to every instance (deployment tool shows no v1 pod).");
                checks.Add("Shadow reads at each step: mismatch_rate below 0.1% over at least 100 reads before raising read_percent.");
                checks.AddRange(contributed);
                break;
            case MigrationPhase.Contract:
                checks.Add(plan.FlagKey is null
                    ? "The new version deployed everywhere; no old-version instance left (including batch jobs and consumers)."
                    : "Cutover complete: reads new_only, writes new; no v1 instance left (including batch jobs).");
                checks.Add(plan.Steps.Any(s => s.Traits.HasFlag(StepTraits.Drops) || s.Traits.HasFlag(StepTraits.Renames))
                    ? "Downstream readers (reports, exports, replicas' consumers) moved to the new shape, or to a compat view where the plan keeps one."
                    : "Nothing in Contract drops or renames what a reader uses.");
                checks.AddRange(contributed);
                checks.Add($"Operator confirms with `switchyard apply <spec> --confirm {plan.Name}`.");
                break;
        }
        checks.AddRange(gates.Select(g => $"Gate `{g.Key}`: {g.Description} — `{OneLine(g.Sql)}`"));
        checks.Add($"Every DDL runs with lock_timeout {sqlOptions.DdlLockTimeoutText}, statement_timeout {sqlOptions.StatementTimeout.TotalSeconds:F0} s, at most {sqlOptions.MaxAttempts} attempts; no-go if the conflict gate waits longer than {sqlOptions.ConflictWaitBudget.TotalSeconds:F0} s.");
        return checks;
    }

    private static IReadOnlyList<RunbookBlock> SignalBlocks(MigrationPlan plan, PlanPhase phase)
    {
        var rows = GuardRules.Defaults.Keys
            .Select(signal => KeyValuePair.Create(signal, GuardRules.For(signal, plan.Guards.Rules)))
            .Where(kv => kv.Value.SlowAt is not null || kv.Value.PauseAt is not null || kv.Value.AbortAt is not null || kv.Value.RollbackAt is not null)
            .Where(kv => phase.Phase == MigrationPhase.Cutover ? kv.Key is SignalNames.MismatchRate or SignalNames.CanaryP99Ratio : kv.Key != SignalNames.MismatchRate || phase.Phase == MigrationPhase.Validate)
            .Select(kv => (IReadOnlyList<string>)[kv.Key, Num(kv.Key, kv.Value.SlowAt), Num(kv.Key, kv.Value.PauseAt), Num(kv.Key, kv.Value.EffectiveResumeBelow), Num(kv.Key, kv.Value.AbortAt), Num(kv.Key, kv.Value.RollbackAt)])
            .ToList();
        var lead = phase.Phase switch
        {
            MigrationPhase.Backfill => "The guards throttle every batch (fail closed: a signal that cannot be read counts as over the threshold).",
            MigrationPhase.Cutover => "At or above the rollback threshold the read flags go back to legacy at once (instant, no DDL).",
            _ => "DDL steps stop on lock_timeout after the bounded retries and name the blocking sessions; the guards watch while steps run.",
        };
        return [new RunbookParagraph(lead), new RunbookTable(["signal", "slow at", "pause at", "resume below", "abort at", "roll back at"], rows)];
    }

    private static RunbookSection PointOfNoReturn(MigrationPlan plan) => new(2, "Point of no return",
    [
        new RunbookParagraph(PointOfNoReturnText(plan)),
        new RunbookBullets([.. plan.Phases.Where(p => p.PointOfNoReturn).SelectMany(p => p.Steps).Select(s => $"{s.Key}: {s.Description} ({LockText(s)})")]),
    ]);

    private static string PointOfNoReturnText(MigrationPlan plan) =>
        plan.Phases.FirstOrDefault(p => p.PointOfNoReturn && p.Steps.Count > 0) is { } p
            ? $"Phase {p.Phase}: once its first step runs, the old shape is gone and rollback cannot restore it; it needs `--confirm {plan.Name}`. Everything before it can be rolled back."
            : "None: every phase of this plan can be rolled back.";

    /// <summary>
    /// How long undoing the phase takes: its undo statements are catalog-only (drops), so the machine time is under a
    /// second; the bound is the lock budget when each must wait for conflicting holders.
    /// </summary>
    private static string RollbackTime(PlanPhase phase, SafeSqlOptions o)
    {
        if (phase.PointOfNoReturn) return "none after it completes (the old shape is gone)";
        var undo = phase.Steps.Count(s => s.Rollback?.Sql is not null);
        if (phase.Phase == MigrationPhase.Cutover) return "instant: the flags go back to legacy reads and writes (no DDL)";
        if (undo == 0) return "nothing to undo in this phase (< 1 s)";
        var worst = TimeSpan.FromTicks(undo * (o.ConflictWaitBudget + o.DdlLockWaitBudget).Ticks);
        return $"< 1 s machine time for {undo} undo statement(s) (catalog only); at most {Duration(worst)} if each waits the full {o.ConflictWaitBudget.TotalSeconds:F0} s for conflicting holders and retries {o.MaxAttempts} times";
    }

    /// <summary>A step's expected duration from table size and the rates (catalog-only DDL counts as zero).</summary>
    public static TimeSpan Estimate(PlanStep step, RunbookTableSize size, RunbookRates rates)
    {
        var rows = size.Rows ?? 0;
        double seconds = StepWork.Of(step) switch
        {
            StepWorkKind.Backfill => rows / rates.BackfillRowsPerSecond,
            StepWorkKind.Scan => rows / rates.ScanRowsPerSecond,
            StepWorkKind.IndexBuild => rows / rates.IndexBuildRowsPerSecond,
            _ => 0,
        };
        return TimeSpan.FromSeconds(seconds);
    }

    private static string EstimateText(PlanStep s, RunbookTableSize size, RunbookRates rates)
    {
        var e = Estimate(s, size, rates);
        if (s.Kind == StepKind.Cutover) return "people-paced";
        if (e == TimeSpan.Zero) return "< 1 s (catalog only)";
        var d = Duration(e);
        if (s.Kind == StepKind.Backfill) return $"{(d.StartsWith('<') ? d : "~" + d)} ({size.Rows:N0} rows at {rates.BackfillRateShortText})";
        var rate = s.Concurrently ? rates.IndexBuildRowsPerSecond : rates.ScanRowsPerSecond;
        return $"{(d.StartsWith('<') ? d : "~" + d)} ({size.Rows:N0} rows at {rate:N0} rows/s, estimate)";
    }

    private static string LockText(PlanStep s) =>
        s.Lock == LockMode.None ? "none" : $"{LockModes.SqlName(s.Lock)}{(s.LockTable is { } t ? $" on {t}" : "")}{(s.Concurrently ? " (concurrently)" : "")}";

    internal static string SizeText(RunbookTableSize size) =>
        size.Rows is { } rows ? $"~{rows:N0} rows, {size.Bytes / (1024.0 * 1024):N1} MiB" : "unknown (never analyzed: run ANALYZE for estimates)";

    private static string Duration(TimeSpan t) =>
        t.TotalSeconds < 1 ? "< 1 s" : t.TotalMinutes < 2 ? $"{t.TotalSeconds:N0} s" : t.TotalHours < 2 ? $"{t.TotalMinutes:N0} min" : $"{t.TotalHours:N1} h";

    private static string Num(string signal, double? v) => v switch
    {
        null => "-",
        { } d when signal.EndsWith("_bytes", StringComparison.Ordinal) => (d / (1024 * 1024)).ToString("G", CultureInfo.InvariantCulture) + " MiB",
        { } d => d.ToString("G", CultureInfo.InvariantCulture),
    };

    private static string OneLine(string sql) => string.Join(' ', sql.Split((char[])['\n', '\r', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries));

    private static string PreviousPhase(MigrationPhase p) => ((MigrationPhase)((int)p - 1)).ToString().ToLowerInvariant();
}
