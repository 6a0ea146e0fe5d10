using Switchyard.Core.Engine;
using Switchyard.Core.Journal;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;

namespace Switchyard.Core.Fleet;

/// <summary>
/// Runs one migration on every shard of a fleet, phase by phase with barriers: all shards run a phase in parallel
/// (each its own engine, journal, guards and SLO), and no shard starts the next phase until every shard finished this
/// one. A shard that fails or pauses stops itself; the others finish the phase and hold at the barrier, untouched.
/// Re-running resumes each shard from its journal.
/// </summary>
public sealed class FleetApply(FleetDefinition fleet, IReadOnlyList<FleetShardSession> shards)
{
    private static readonly MigrationPhase[] Phases = [MigrationPhase.Expand, MigrationPhase.Backfill, MigrationPhase.Validate, MigrationPhase.Cutover, MigrationPhase.Contract];

    public async Task<FleetRunResult> RunAsync(MigrationSpec spec, FleetApplyOptions options, CancellationToken ct)
    {
        if (options.Confirm is { } confirm && confirm != spec.Name)
            throw new SwitchyardException($"--confirm '{confirm}' does not match the migration name '{spec.Name}': nothing was run on any shard.", $"Re-run with `--confirm {spec.Name}` (the spec's migration: name).");
        var runId = await RunIdAsync(spec.Name, ct).ConfigureAwait(false);
        options.Progress?.Invoke($"fleet {fleet.Name}: run {runId}, {shards.Count} shard(s), migration {spec.Name}");
        var outcomes = new Dictionary<string, ShardOutcome>(StringComparer.Ordinal);
        foreach (var phase in Phases)
        {
            if (phase == MigrationPhase.Contract && options.Confirm is null)
            {
                var atCutover = await CurrentAsync(spec.Name, ct).ConfigureAwait(false);
                return Held(runId, spec, phase, MigrationStates.Waiting, atCutover,
                    $"Every shard is at new_only. Contract is the point of no return on every shard: re-run with --confirm {spec.Name} once no app v1 instance is left anywhere.");
            }
            options.Progress?.Invoke($"barrier: every shard runs {phase}");
            var results = await Task.WhenAll(shards.Select(s => ReachAsync(s, spec, phase, runId, options, ct))).ConfigureAwait(false);
            foreach (var r in results) outcomes[r.Outcome.Shard] = r.Outcome;
            var behind = results.Where(r => !r.Reached).Select(r => r.Outcome).ToList();
            if (behind.Count > 0)
                return Held(runId, spec, phase, StateOf(behind), [.. outcomes.Values], HoldMessage(phase, behind));
            options.Progress?.Invoke($"barrier: every shard finished {phase}");
            if (options.To == phase)
                return Held(runId, spec, NextOf(phase), MigrationStates.Waiting, [.. outcomes.Values], $"Every shard reached {phase} (--to).");
        }
        return new FleetRunResult(runId, fleet.Name, spec.Name, MigrationStates.Completed, MigrationStates.Completed, "Migration complete on every shard.", null, [.. outcomes.Values]);
    }

    private FleetRunResult Held(Guid runId, MigrationSpec spec, MigrationPhase? before, string state, IReadOnlyList<ShardOutcome> outcomes, string message) =>
        new(runId, fleet.Name, spec.Name, FleetPhases.Lowest(outcomes.Select(o => (o.Phase, o.State))), state, message, before, outcomes);

    private static string StateOf(IReadOnlyList<ShardOutcome> behind) =>
        behind.Any(b => b.State == MigrationStates.Failed) ? MigrationStates.Failed
        : behind.Any(b => b.State == MigrationStates.Paused) ? MigrationStates.Paused : MigrationStates.Waiting;

    private static MigrationPhase? NextOf(MigrationPhase phase) => phase == MigrationPhase.Contract ? null : phase + 1;

    private static string HoldMessage(MigrationPhase phase, IReadOnlyList<ShardOutcome> behind)
    {
        var names = string.Join(", ", behind.Select(b => $"{b.Shard} ({b.Phase}, {b.State})"));
        if (behind.Any(b => b.Stopped))
            return $"Held at the barrier of {phase}: {names} stopped; every other shard waits there, untouched. Fix the cause and re-run apply --fleet: each shard resumes from its journal.";
        if (phase == MigrationPhase.Cutover)
            return $"Every shard passed Validate. Waiting at the Cutover gate on {names}: deploy app v2 everywhere, then flip flags with `switchyard cutover --fleet <file> --reads shadow --writes both` … `--reads new_only --percent 100 --writes new`.";
        return $"Held at the barrier of {phase}: {names} did not finish it.";
    }

    /// <summary>Runs one shard up to the end of <paramref name="phase"/> unless its journal shows it there already; a failure stays on that shard.</summary>
    private async Task<(bool Reached, ShardOutcome Outcome)> ReachAsync(FleetShardSession session, MigrationSpec spec, MigrationPhase phase, Guid runId, FleetApplyOptions options, CancellationToken ct)
    {
        var name = session.Shard.Name;
        try
        {
            var journal = session.Engine.Journal;
            var record = await journal.ExistsAsync(ct).ConfigureAwait(false) ? await journal.FindAsync(spec.Name, ct).ConfigureAwait(false) : null;
            if (record is not null && await PhaseDoneAsync(journal, record, phase, ct).ConfigureAwait(false))
            {
                await FleetJournal.StampAsync(session.Sql, spec.Name, runId, fleet.Name, name, ct).ConfigureAwait(false);
                return (true, new ShardOutcome(name, record.Phase, record.State, $"{phase} already done"));
            }
            var result = await session.Engine.ApplyAsync(spec, new ApplyOptions
            {
                // The last phase runs without --to, so the engine ends it as completed rather than stopped there.
                To = phase == MigrationPhase.Contract ? null : phase,
                Confirm = phase == MigrationPhase.Contract ? options.Confirm : null,
                StepDone = options.Progress is { } p ? key => p($"  [{name}] done: {key}") : null,
            }, ct).ConfigureAwait(false);
            await FleetJournal.StampAsync(session.Sql, spec.Name, runId, fleet.Name, name, ct).ConfigureAwait(false);
            options.Progress?.Invoke($"  [{name}] {result.Phase}, {result.State}: {result.Message}");
            return (FleetPhases.Reached(result.Phase, result.State, phase), new ShardOutcome(name, result.Phase, result.State, result.Message));
        }
        catch (Exception e) when (e is SwitchyardException or Npgsql.NpgsqlException)
        {
            // The engine journaled the failure on this shard; the others are not told to stop: they hold at the barrier.
            options.Progress?.Invoke($"  [{name}] failed in {phase}: {e.Message}");
            return (false, new ShardOutcome(name, MigrationJournal.Phase(phase), MigrationStates.Failed, e.Message));
        }
        finally
        {
            if (phase == MigrationPhase.Backfill) options.Budget?.Leave(name);
        }
    }

    /// <summary>Every journaled step of the phase is done (a phase without steps on this shard counts as done).</summary>
    private static async Task<bool> PhaseDoneAsync(MigrationJournal journal, MigrationRecord record, MigrationPhase phase, CancellationToken ct)
    {
        if (record.State == MigrationStates.Completed) return true;
        var steps = await journal.StepsAsync(record.Id, ct).ConfigureAwait(false);
        var name = MigrationJournal.Phase(phase);
        return steps.Count > 0 && steps.Where(s => s.Phase == name).All(s => s.Status == StepStatuses.Done);
    }

    private async Task<Guid> RunIdAsync(string migration, CancellationToken ct)
    {
        foreach (var s in shards)
        {
            if (await FleetJournal.RunIdAsync(s.Sql, migration, ct).ConfigureAwait(false) is { } existing) return existing;
        }
        return Guid.NewGuid();
    }

    private async Task<IReadOnlyList<ShardOutcome>> CurrentAsync(string migration, CancellationToken ct)
    {
        var list = new List<ShardOutcome>();
        foreach (var s in shards)
        {
            var record = await s.Engine.Journal.FindAsync(migration, ct).ConfigureAwait(false);
            list.Add(new ShardOutcome(s.Shard.Name, record?.Phase ?? "none", record?.State ?? "none", "waiting for --confirm"));
        }
        return list;
    }
}
