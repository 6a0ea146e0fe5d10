using System.Diagnostics;
using Switchyard.Core.Catalog;
using Switchyard.Core.Execution;
using Switchyard.Core.Journal;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;
using Switchyard.Core.Telemetry;

namespace Switchyard.Core.Engine;

/// <summary>
/// Runs a plan phase by phase: one runner per table (advisory lock), every step journaled (attempts, outcome, events),
/// completed steps never repeated, half-applied steps repaired, operator abort honoured between steps, gates that need
/// people stop the run.
/// </summary>
public sealed class MigrationEngine(SafeSqlRunner sql, IBackfillPhase? backfill = null, IPhaseGate? gate = null)
{
    private readonly MigrationJournal _journal = new(sql);
    private readonly IPhaseGate _gate = gate ?? new ProofGate();

    public MigrationJournal Journal => _journal;

    /// <summary>The plan; checks the spec against the live catalog unless the journal shows the migration already changed it.</summary>
    public async Task<MigrationPlan> PlanAsync(MigrationSpec spec, CancellationToken ct)
    {
        var record = await _journal.ExistsAsync(ct).ConfigureAwait(false) ? await _journal.FindAsync(spec.Name, ct).ConfigureAwait(false) : null;
        var begun = record is not null && (await _journal.StepsAsync(record.Id, ct).ConfigureAwait(false)).Any(s => s.Status is StepStatuses.Done or StepStatuses.Running or StepStatuses.Failed);
        var live = begun ? await LiveColumnsAsync(spec, ct).ConfigureAwait(false) : await SpecCatalogCheck.CheckAsync(spec, sql, ct).ConfigureAwait(false);
        return await BuildAsync(spec, live, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The plan over the catalog as it is now, without the checks made before Expand (which an expanded table no longer
    /// passes): what a backfill run on its own, after Expand, needs to know which backfills the migration has.
    /// </summary>
    public async Task<MigrationPlan> PlanExpandedAsync(MigrationSpec spec, CancellationToken ct) =>
        await BuildAsync(spec, await LiveColumnsAsync(spec, ct).ConfigureAwait(false), ct).ConfigureAwait(false);

    /// <summary>The live columns of the tables the operations need (a dropped column's table among them, for its compat view).</summary>
    private async Task<IReadOnlyDictionary<QualifiedName, IReadOnlyList<CatalogColumn>>> LiveColumnsAsync(MigrationSpec spec, CancellationToken ct)
    {
        var tables = spec.Operations.OfType<Operations.IMigrationOperation>().SelectMany(u => u.Needs.Select(n => n.Table)).Distinct();
        var cols = new Dictionary<QualifiedName, IReadOnlyList<CatalogColumn>>();
        foreach (var t in tables) cols[t] = await CatalogSnapshot.ColumnsAsync(sql, t, ct).ConfigureAwait(false);
        return cols;
    }

    private async Task<MigrationPlan> BuildAsync(MigrationSpec spec, IReadOnlyDictionary<QualifiedName, IReadOnlyList<CatalogColumn>> live, CancellationToken ct)
    {
        // Read every time (a resumed run too): new partitions may have appeared, and each gets its own steps.
        var partitioned = await CatalogPartitions.ReadAsync(sql, PartitionAwareTables(spec), ct).ConfigureAwait(false);
        var earlier = spec.VersionSchemas is { } names
            ? await Operations.VersionSchemas.VersionSchemaCatalog.EarlierAsync(sql, names, spec.Operations.OfType<Operations.IMigrationOperation>().Select(u => u.Table).OfType<QualifiedName>(), ct).ConfigureAwait(false)
            : [];
        return MigrationPlanner.Build(spec, live, partitioned, earlier);
    }

    /// <summary>Tables whose operations the planner builds differently when they are partitioned.</summary>
    private static IEnumerable<QualifiedName> PartitionAwareTables(MigrationSpec spec) =>
        spec.Operations.OfType<Operations.IMigrationOperation>().Select(u => u.Table).OfType<QualifiedName>();

    /// <summary>Runs the migration as far as its gates allow, as one <c>switchyard.migration</c> activity.</summary>
    public async Task<RunResult> ApplyAsync(MigrationSpec spec, ApplyOptions options, CancellationToken ct)
    {
        using var activity = EngineActivities.StartMigration(spec.Name, options.To);
        try
        {
            var result = await ApplyCoreAsync(spec, options, activity, ct).ConfigureAwait(false);
            EngineActivities.Finish(activity, result);
            return result;
        }
        catch (Exception e)
        {
            activity.Fail(e);
            throw;
        }
    }

    private async Task<RunResult> ApplyCoreAsync(MigrationSpec spec, ApplyOptions options, Activity? activity, CancellationToken ct)
    {
        if (options.Confirm is { } confirm && confirm != spec.Name)
            throw new SwitchyardException($"--confirm '{confirm}' does not match the migration name '{spec.Name}': nothing was run.", $"Re-run with `--confirm {spec.Name}` (the spec's migration: name).");
        var plan = await PlanAsync(spec, ct).ConfigureAwait(false);
        activity?.SetTag(TelemetryTags.Table, plan.TargetTable.ToString());
        await _journal.EnsureSchemaAsync(ct).ConfigureAwait(false);
        await using var runLock = await MigrationLock.AcquireAsync(sql.DataSource, plan.TargetTable, spec.Name, ct).ConfigureAwait(false);
        var record = await _journal.FindAsync(spec.Name, ct).ConfigureAwait(false);
        var other = (await _journal.ActiveAsync(ct).ConfigureAwait(false)).FirstOrDefault(m => m.TargetTable == plan.TargetTable.ToString() && m.Name != spec.Name);
        if (other is not null)
            throw new SwitchyardException($"{plan.TargetTable} already has an active migration '{other.Name}' (phase {other.Phase}, {other.State}); one migration per table at a time.",
                $"Finish it (`switchyard apply` its spec) or roll it back (`switchyard rollback --migration {other.Name}`) first.");
        if (record is null)
        {
            record = await _journal.CreateAsync(plan, ct).ConfigureAwait(false);
        }
        else
        {
            var steps = await _journal.StepsAsync(record.Id, ct).ConfigureAwait(false);
            if (record.SpecChecksum != plan.SpecChecksum && steps.Any(s => s.Status == StepStatuses.Done))
                throw new SwitchyardException($"The spec of '{spec.Name}' changed since the migration started (journal checksum {record.SpecChecksum[..12]}, file {plan.SpecChecksum[..12]}).",
                    "Restore the spec the migration started with, or roll it back (`switchyard rollback`) and apply the new one.");
            if (record.State == MigrationStates.Completed)
                return new RunResult(record.Name, record.Phase, record.State, "Already complete: nothing to do.", []);
            await _journal.ResetForRunAsync(record.Id, plan, ct).ConfigureAwait(false);
        }
        var control = await _journal.ControlAsync(record.Id, ct).ConfigureAwait(false);
        if (control.Paused)
            return await StopAsync(record, record.Phase, MigrationStates.Paused, $"Paused by an operator{Reason(control)}: run `switchyard resume` first.", [], ct).ConfigureAwait(false);
        if (control.AbortRequested)
        {
            await _journal.SetControlAsync(record.Id, false, false, null, ct).ConfigureAwait(false);
            await _journal.EventAsync(record.Id, "abort_cleared", "A new apply run clears the earlier abort request.", null, ct).ConfigureAwait(false);
        }
        await _journal.EventAsync(record.Id, "run_started", $"apply {spec.Name} (to {options.To?.ToString() ?? "the next gate"})", new { to = options.To?.ToString(), spec = plan.SpecPath }, ct).ConfigureAwait(false);
        if (runLock.TookOverFrom is { } gone)
            await _journal.EventAsync(record.Id, "runner_taken_over", $"took over from a runner that is gone: {gone.Describe()}", new { gone.Host, gone.OsPid, gone.ProcessStartedAt, gone.LastBeat }, ct).ConfigureAwait(false);
        var run = new MigrationRun(record.Id, record.Name, plan, sql, _journal) { Lease = runLock };
        return await RunPhasesAsync(run, record, options, ct).ConfigureAwait(false);
    }

    private async Task<RunResult> RunPhasesAsync(MigrationRun run, MigrationRecord record, ApplyOptions options, CancellationToken ct)
    {
        var ran = new List<string>();
        var done = (await _journal.StepsAsync(run.MigrationId, ct).ConfigureAwait(false)).Where(s => s.Status == StepStatuses.Done).Select(s => s.Key).ToHashSet();
        foreach (var phase in run.Plan.Phases)
        {
            var phaseName = MigrationJournal.Phase(phase.Phase);
            if (phase.Steps.All(s => done.Contains(s.Key)))
            {
                if (options.To == phase.Phase) return await StopAsync(record, phaseName, MigrationStates.Waiting, $"Reached {phase.Phase} (--to). Next gate: {phase.Gate}", ran, ct).ConfigureAwait(false);
                continue;
            }
            if (phase.Phase == MigrationPhase.Cutover && !await CutoverFinishedAsync(run, ct).ConfigureAwait(false))
            {
                return await StopAsync(record, "validate", MigrationStates.Waiting,
                    $"Waiting at the gate before Cutover: deploy app v2 to every instance, then flip flags with `switchyard cutover --reads shadow --writes both` … `--reads new_only --percent 100 --writes new`.", ran, ct).ConfigureAwait(false);
            }
            // A wrong --confirm was refused before anything ran; here it is only missing.
            if (phase.Phase == MigrationPhase.Contract && options.Confirm is null)
            {
                return await StopAsync(record, "cutover", MigrationStates.Waiting,
                    $"Contract is the point of no return (drops {string.Join(", ", phase.Steps.Where(s => s.Traits.HasFlag(StepTraits.Drops)).Select(s => s.Description))}). " +
                    $"Re-run with --confirm {run.Name} once no app v1 instance is left.", ran, ct).ConfigureAwait(false);
            }
            using var phaseActivity = EngineActivities.StartPhase(run.Name, phase);
            await _journal.SetPhaseAsync(run.MigrationId, phaseName, MigrationStates.Running, ct).ConfigureAwait(false);
            Guards.SwitchyardMetrics.SetPhase(run.Name, phaseName);
            foreach (var step in phase.Steps)
            {
                if (done.Contains(step.Key)) continue;
                if (run.Lease is { } lease && await lease.EnsureHeldAsync(ct).ConfigureAwait(false) is { } retaken)
                    await _journal.EventAsync(run.MigrationId, "runner_lock_retaken", $"before {step.Key}: {retaken}", null, ct).ConfigureAwait(false);
                var control = await _journal.ControlAsync(run.MigrationId, ct).ConfigureAwait(false);
                if (control.AbortRequested || control.Paused)
                {
                    var state = control.AbortRequested ? MigrationStates.Failed : MigrationStates.Paused;
                    return await StopAsync(record, phaseName, state, $"{(control.AbortRequested ? "Aborted" : "Paused")} by an operator before step {step.Key}{Reason(control)}. Re-run apply to continue (after `switchyard resume` if paused).", ran, ct).ConfigureAwait(false);
                }
                string? stopped;
                using (var stepActivity = EngineActivities.StartStep(run.Name, step))
                {
                    try
                    {
                        stopped = await RunStepAsync(run, step, stepActivity, ct).ConfigureAwait(false);
                        stepActivity?.SetTag(TelemetryTags.State, stopped is null ? StepStatuses.Done : StepStatuses.Pending);
                    }
                    catch (Exception e)
                    {
                        stepActivity.Fail(e);
                        phaseActivity.Fail(e);
                        throw;
                    }
                }
                if (stopped is not null) return await StopAsync(record, phaseName, MigrationStates.Paused, stopped, ran, ct).ConfigureAwait(false);
                ran.Add(step.Key);
                done.Add(step.Key);
                options.StepDone?.Invoke(step.Key);
            }
            if (options.To == phase.Phase)
                return await StopAsync(record, phaseName, MigrationStates.Waiting, $"Reached {phase.Phase} (--to). Next gate: {phase.Gate}", ran, ct).ConfigureAwait(false);
        }
        return await StopAsync(record, "contract", MigrationStates.Completed, "Migration complete.", ran, ct).ConfigureAwait(false);
    }

    private async Task<RunResult> StopAsync(MigrationRecord record, string phase, string state, string message, List<string> ran, CancellationToken ct)
    {
        await _journal.SetPhaseAsync(record.Id, phase, state, ct).ConfigureAwait(false);
        await _journal.EventAsync(record.Id, "run_stopped", message, new { phase, state, steps = ran }, ct).ConfigureAwait(false);
        return new RunResult(record.Name, phase, state, message, ran);
    }

    private static string Reason(ControlRecord c) => c.Reason is null ? "" : $" ({c.Reason})";

    private async Task<bool> CutoverFinishedAsync(MigrationRun run, CancellationToken ct)
    {
        if (run.Plan.FlagKey is not { } key) return true;
        var flag = await _journal.FlagAsync(key, ct).ConfigureAwait(false);
        return flag is { ReadMode: "new_only", WriteMode: "new" };
    }

    /// <summary>Runs one step; returns why it stopped early (pause/abort) or null when done. Failures are journaled and raised.</summary>
    private async Task<string?> RunStepAsync(MigrationRun run, PlanStep step, Activity? activity, CancellationToken ct)
    {
        var id = run.MigrationId;
        await _journal.StepStartedAsync(id, step.Key, ct).ConfigureAwait(false);
        try
        {
            switch (step.Kind)
            {
                case StepKind.Ddl:
                    if (step.HalfAppliedProbe is { } half && await sql.ScalarAsync<bool>(half.Sql, ct, [.. half.Parameters]).ConfigureAwait(false))
                    {
                        // E.g. an INVALID index from a killed CREATE INDEX CONCURRENTLY: IF NOT EXISTS would keep it forever.
                        var repair = step.Statement!.RepairBeforeRetry!;
                        await sql.ExecuteDdlAsync(new DdlStatement(repair, step.Statement.Locks, step.Statement.Concurrently), ct).ConfigureAwait(false);
                        await _journal.EventAsync(id, "step_repaired", $"{step.Key}: removed what an earlier attempt left half-done: {repair}", new { step = step.Key, repair }, ct).ConfigureAwait(false);
                    }
                    else if (step.AppliedProbe is { } probe && await sql.ScalarAsync<bool>(probe.Sql, ct, [.. probe.Parameters]).ConfigureAwait(false))
                    {
                        await _journal.StepFinishedAsync(id, step.Key, StepStatuses.Done, "already in the catalog (an earlier attempt committed it)", ct).ConfigureAwait(false);
                        return null;
                    }
                    var outcome = await sql.ExecuteDdlAsync(step.Statement!, ct).ConfigureAwait(false);
                    activity?.SetTag(TelemetryTags.Attempts, outcome.Attempts);
                    await _journal.StepFinishedAsync(id, step.Key, StepStatuses.Done,
                        $"{outcome.Attempts} attempt(s), {outcome.Duration.TotalMilliseconds:F0} ms" + (outcome.HoldersWaitedFor.Count > 0 ? $", waited {outcome.WaitedForHolders.TotalSeconds:F1}s outside the lock queue for pid(s) {string.Join(", ", outcome.HoldersWaitedFor.Select(h => h.Pid))}" : ""), ct).ConfigureAwait(false);
                    return null;
                case StepKind.Backfill:
                    var result = await (backfill ?? new Backfill.BackfillRunnerPhase(new Backfill.BackfillOptions(), [])).RunAsync(run, step.BackfillTarget!, ct).ConfigureAwait(false);
                    activity?.SetTag(TelemetryTags.Rows, result.RowsUpdated).SetTag(TelemetryTags.Batches, result.Batches);
                    if (!result.Completed)
                    {
                        await _journal.StepFinishedAsync(id, step.Key, StepStatuses.Pending, $"stopped: {result.StoppedBecause}; {result.RowsUpdated} rows updated so far", ct).ConfigureAwait(false);
                        return $"Backfill stopped ({result.StoppedBecause}) after {result.RowsUpdated} rows; re-run apply to continue.";
                    }
                    await _journal.StepFinishedAsync(id, step.Key, StepStatuses.Done, $"{result.RowsUpdated} rows updated, {result.RowsScanned} scanned in {result.Batches} batches", ct).ConfigureAwait(false);
                    return null;
                case StepKind.Gate:
                    var verdict = await _gate.CheckAsync(run with { GatePhase = step.Phase }, step.Proof!, ct).ConfigureAwait(false);
                    if (!verdict.Passed)
                    {
                        throw new SwitchyardException($"Gate {step.Key} failed: {verdict.Summary}.", step.Phase == MigrationPhase.Contract
                            ? "Contract did not start: nothing was dropped and rollback is still possible. Fix the failing check (`switchyard validate` re-runs the suite), then re-run apply --confirm."
                            : "Re-run apply: the backfill step is idempotent and fills what is missing; investigate mismatches before that.");
                    }
                    await _journal.StepFinishedAsync(id, step.Key, StepStatuses.Done, verdict.Summary, ct).ConfigureAwait(false);
                    return null;
                default:
                    await _journal.StepFinishedAsync(id, step.Key, StepStatuses.Done, "flags at reads new_only, writes new", ct).ConfigureAwait(false);
                    return null;
            }
        }
        // A runner that lost its lock stops without writing: the migration is not failed, and may have a new owner.
        catch (Exception e) when ((e is SwitchyardException or Npgsql.NpgsqlException) && e is not Runners.RunnerLeaseLostException)
        {
            await _journal.StepFinishedAsync(id, step.Key, StepStatuses.Failed, e.Message, CancellationToken.None).ConfigureAwait(false);
            await _journal.SetStateAsync(id, MigrationStates.Failed, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }
}
