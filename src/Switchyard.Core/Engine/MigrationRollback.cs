using Switchyard.Core.Engine.Rollback;
using Switchyard.Core.Execution;
using Switchyard.Core.Journal;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;

namespace Switchyard.Core.Engine;

/// <summary>Undoes the phases after a given one, newest step first, each undo through the safe runner and journaled. Refuses past Contract.</summary>
public sealed class MigrationRollback(SafeSqlRunner sql)
{
    private readonly MigrationJournal _journal = new(sql);

    /// <param name="spec">The migration's spec (its plan holds each step's undo).</param>
    /// <param name="to">Keep this phase and undo the later ones; null undoes everything, Expand included.</param>
    public Task<RunResult> RollbackAsync(MigrationSpec spec, MigrationPhase? to, CancellationToken ct) => RollbackAsync(spec, to, new RollbackOptions(), ct);

    /// <param name="options">--confirm and the wait for Compat clients, needed once flags have left legacy.</param>
    public async Task<RunResult> RollbackAsync(MigrationSpec spec, MigrationPhase? to, RollbackOptions options, CancellationToken ct)
    {
        if (!await _journal.ExistsAsync(ct).ConfigureAwait(false) || await _journal.FindAsync(spec.Name, ct).ConfigureAwait(false) is not { } record)
            throw new SwitchyardException($"No migration named '{spec.Name}' in the journal: nothing to roll back.", "Check `switchyard status` for the migrations this database knows.");
        if (record.State == MigrationStates.RolledBack && to is null)
            return new RunResult(record.Name, record.Phase, record.State, "Already rolled back.", []);
        var plan = await new MigrationEngine(sql).PlanAsync(spec, ct).ConfigureAwait(false);
        await using var runLock = await MigrationLock.AcquireAsync(sql.DataSource, plan.TargetTable, record.Name, ct).ConfigureAwait(false);
        var steps = (await _journal.StepsAsync(record.Id, ct).ConfigureAwait(false)).ToDictionary(s => s.Key);
        if (plan.Phase(MigrationPhase.Contract).Steps.Any(s => s.Kind != StepKind.Gate && steps.TryGetValue(s.Key, out var r) && r.Status is StepStatuses.Done or StepStatuses.Running or StepStatuses.Failed))
            throw new SwitchyardException($"'{record.Name}' has started Contract, the point of no return: the old shape cannot be restored by rollback.",
                "Finish it with `switchyard apply <spec> --confirm " + record.Name + "`; downstream readers use the compat view meanwhile.");
        if (to is null || to < MigrationPhase.Cutover)
            await new LegacyFlagsReturn(_journal, options).ReturnAsync(record, plan, ct).ConfigureAwait(false);
        await _journal.EventAsync(record.Id, "rollback_started", $"rollback {record.Name} to {to?.ToString() ?? "before Expand"}", new { to = to?.ToString() }, ct).ConfigureAwait(false);
        var undone = new List<string>();
        var undo = plan.Steps.Where(s => to is null || s.Phase > to.Value).Reverse().ToList();
        foreach (var step in undo)
        {
            if (step.Kind == StepKind.Cutover && plan.FlagKey is { } key)
            {
                // Flags may have been flipped while the step was still pending: always put them back.
                if (await _journal.FlagAsync(key, ct).ConfigureAwait(false) is { } flag && (flag.ReadMode, flag.WriteMode, flag.ReadPercent) != ("legacy", "legacy", 0))
                {
                    await _journal.SetFlagAsync(key, "legacy", 0, "legacy", ct).ConfigureAwait(false);
                    await _journal.EventAsync(record.Id, "flags_flipped", $"{key}: reads {flag.ReadMode} {flag.ReadPercent}% / writes {flag.WriteMode} → reads legacy / writes legacy (rollback)", new { flag_key = key, from = flag, to = "legacy" }, ct).ConfigureAwait(false);
                }
            }
            if (!steps.TryGetValue(step.Key, out var journaled) || journaled.Status is StepStatuses.Pending or StepStatuses.RolledBack) continue;
            if (step.Rollback?.Statement is { } statement)
            {
                try
                {
                    await sql.ExecuteDdlAsync(statement, ct).ConfigureAwait(false);
                }
                catch (SwitchyardException e)
                {
                    await _journal.EventAsync(record.Id, "rollback_failed", $"{step.Key}: {e.Message}", new { step = step.Key }, CancellationToken.None).ConfigureAwait(false);
                    await _journal.SetStateAsync(record.Id, MigrationStates.Failed, CancellationToken.None).ConfigureAwait(false);
                    throw;
                }
            }
            if (step.Kind == StepKind.Backfill && await BackfillTablesExistAsync(ct).ConfigureAwait(false)
                && await new Backfill.BackfillStore(sql).ForgetRunAsync(step.BackfillTarget?.JournalKey(record.Name) ?? record.Name, ct).ConfigureAwait(false) > 0)
            {
                await _journal.EventAsync(record.Id, "backfill_reset", $"{step.Key}: the backfill's cursors are forgotten; the next apply backfills from the start", new { step = step.Key }, ct).ConfigureAwait(false);
            }
            await _journal.StepFinishedAsync(record.Id, step.Key, StepStatuses.RolledBack, step.Rollback?.Description, ct).ConfigureAwait(false);
            undone.Add(step.Key);
        }
        var (phase, state) = to is null ? ("planned", MigrationStates.RolledBack) : (MigrationJournal.Phase(to.Value), MigrationStates.Waiting);
        await _journal.SetPhaseAsync(record.Id, phase, state, ct).ConfigureAwait(false);
        var message = to is null ? $"Rolled back {undone.Count} step(s): the schema is as before Expand." : $"Rolled back {undone.Count} step(s) to the end of {to}.";
        await _journal.EventAsync(record.Id, "rollback_finished", message, new { steps = undone }, ct).ConfigureAwait(false);
        return new RunResult(record.Name, phase, state, message, undone);
    }

    private Task<bool> BackfillTablesExistAsync(CancellationToken ct) =>
        sql.ScalarAsync<bool>("SELECT to_regclass('switchyard.backfill_runs') IS NOT NULL", ct);
}
