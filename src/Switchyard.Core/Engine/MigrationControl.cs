using Switchyard.Core.Backfill;
using Switchyard.Core.Execution;
using Switchyard.Core.Guards;
using Switchyard.Core.Journal;
using Switchyard.Core.Journal.Chain;
using Switchyard.Core.Planning;

namespace Switchyard.Core.Engine;

/// <summary>What people do from any terminal: flip cutover flags, pause / resume / abort, read status. Every change is an event.</summary>
public sealed class MigrationControl(SafeSqlRunner sql)
{
    private static readonly string[] ReadModes = ["legacy", "shadow", "new", "new_only"];
    private static readonly string[] WriteModes = ["legacy", "both", "new"];
    private readonly MigrationJournal _journal = new(sql);

    /// <summary>The named migration, or the one active migration when no name is given.</summary>
    public async Task<MigrationRecord> FindAsync(string? name, CancellationToken ct)
    {
        if (!await _journal.ExistsAsync(ct).ConfigureAwait(false))
            throw new SwitchyardException("This database has no Switchyard journal: no migration has been applied here.", "Run `switchyard apply <spec>` first, or check --connection.");
        if (name is not null)
            return await _journal.FindAsync(name, ct).ConfigureAwait(false)
                ?? throw new SwitchyardException($"No migration named '{name}' in the journal.", "Run `switchyard status` to list them.");
        var active = await _journal.ActiveAsync(ct).ConfigureAwait(false);
        return active.Count switch
        {
            1 => active[0],
            0 => throw await NoActiveAsync(ct).ConfigureAwait(false),
            _ => throw new SwitchyardException($"{active.Count} active migrations: {string.Join(", ", active.Select(a => a.Name))}.", "Name one with --migration <name>."),
        };
    }

    /// <summary>"No active migration", naming the last one (e.g. completed by Contract) so the next command can name it.</summary>
    private async Task<SwitchyardException> NoActiveAsync(CancellationToken ct)
    {
        if ((await _journal.AllAsync(ct).ConfigureAwait(false)).LastOrDefault() is not { } last)
            return new SwitchyardException("No active migration: the journal holds none.", "Start one with `switchyard apply <spec>`.");
        var what = last.State == MigrationStates.Completed ? "completed (Contract, the point of no return, is done)" : $"{last.State} (phase {last.Phase})";
        return new SwitchyardException($"No active migration: the last one, '{last.Name}' on {last.TargetTable}, is {what}.",
            $"Name it with --migration {last.Name} (e.g. `switchyard status --migration {last.Name}`), or start another with `switchyard apply <spec>`.");
    }

    /// <summary>Flips the migration's flag. Needs Validate finished (app v2 deployed is the operator's call, said in the plan).</summary>
    public async Task<FlagRecord> CutoverAsync(string? name, string reads, int percent, string writes, CancellationToken ct)
    {
        if (!ReadModes.Contains(reads)) throw new SwitchyardException($"--reads '{reads}' is not a read mode.", "Use legacy, shadow, new or new_only.");
        if (!WriteModes.Contains(writes)) throw new SwitchyardException($"--writes '{writes}' is not a write mode.", "Use legacy, both or new.");
        if (percent is < 0 or > 100) throw new SwitchyardException($"--percent {percent} is out of range.", "Use 0..100.");
        var record = await FindAsync(name, ct).ConfigureAwait(false);
        var steps = await _journal.StepsAsync(record.Id, ct).ConfigureAwait(false);
        var flag = JournaledFlag.Of(record);
        var flagKey = flag.Key ?? throw (flag.Unknown is { } why
            ? new SwitchyardException($"the flag of '{record.Name}' is unknown: {why}. Nothing was flipped.", $"Put the spec it was applied with back at {record.SpecPath ?? "its journaled path"} (the flag is recomputed from it), or re-run `switchyard apply` with it.")
            : new SwitchyardException($"'{record.Name}' has no flag: only normalize_column migrations have a cutover.", "Run apply with --confirm to go straight to Contract."));
        var validatePending = steps.Where(s => s.Phase is "expand" or "backfill" or "validate" && s.Status != StepStatuses.Done).Select(s => s.Key).ToList();
        if (validatePending.Count > 0)
            throw new SwitchyardException($"'{record.Name}' has not finished Validate ({validatePending.Count} step(s) left, e.g. {validatePending[0]}): flipping flags now could read an incomplete column.",
                "Run `switchyard apply <spec>` until it stops at the Cutover gate.");
        if (steps.Any(s => s.PassesPointOfNoReturn && s.Status != StepStatuses.Pending))
            throw new SwitchyardException($"'{record.Name}' is in Contract: the legacy column is going or gone; flags can no longer go back.", "Finish Contract with apply --confirm.");
        var before = await _journal.FlagAsync(flagKey, ct).ConfigureAwait(false);
        var after = await _journal.SetFlagAsync(flagKey, reads, percent, writes, ct).ConfigureAwait(false);
        await _journal.EventAsync(record.Id, "flags_flipped",
            $"{flagKey}: reads {before?.ReadMode ?? "legacy"} {before?.ReadPercent ?? 0}% / writes {before?.WriteMode ?? "legacy"} → reads {reads} {percent}% / writes {writes} (version {after.Version})",
            new { flag_key = flagKey, from = before, to = after }, ct).ConfigureAwait(false);
        await _journal.SetPhaseAsync(record.Id, MigrationJournal.Phase(MigrationPhase.Cutover), MigrationStates.Waiting, ct).ConfigureAwait(false);
        var cutoverKey = steps.FirstOrDefault(s => s.Phase == "cutover")?.Key;
        if (cutoverKey is not null && reads == "new_only" && writes == "new")
        {
            await _journal.StepStartedAsync(record.Id, cutoverKey, ct).ConfigureAwait(false);
            await _journal.StepFinishedAsync(record.Id, cutoverKey, StepStatuses.Done, "reads new_only, writes new", ct).ConfigureAwait(false);
        }
        else if (cutoverKey is not null && steps.Any(s => s.Key == cutoverKey && s.Status == StepStatuses.Done))
        {
            await _journal.StepFinishedAsync(record.Id, cutoverKey, StepStatuses.Pending, "flags moved back from the final state", ct).ConfigureAwait(false);
        }
        return after;
    }

    public async Task<ControlRecord> SetAsync(string? name, ControlAction action, string? reason, CancellationToken ct)
    {
        var record = await FindAsync(name, ct).ConfigureAwait(false);
        var (paused, abort) = action switch
        {
            ControlAction.Pause => (true, false),
            ControlAction.Abort => (false, true),
            _ => (false, false),
        };
        await _journal.SetControlAsync(record.Id, paused, abort, reason, ct).ConfigureAwait(false);
        await _journal.EventAsync(record.Id, action.ToString().ToLowerInvariant(), $"{action} requested{(reason is null ? "" : ": " + reason)}", new { reason }, ct).ConfigureAwait(false);
        if (action == ControlAction.Resume && record.State == MigrationStates.Paused)
            await _journal.SetStateAsync(record.Id, MigrationStates.Waiting, ct).ConfigureAwait(false);
        return await _journal.ControlAsync(record.Id, ct).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<MigrationStatus>> StatusAsync(string? name, string? flagKey, CancellationToken ct) =>
        StatusAsync(name, flagKey, null, ct);

    /// <param name="guards">When set, the guards' signals are read once (they are database-wide) and shown with every migration.</param>
    public async Task<IReadOnlyList<MigrationStatus>> StatusAsync(string? name, string? flagKey, GuardOptions? guards, CancellationToken ct)
    {
        if (!await _journal.ExistsAsync(ct).ConfigureAwait(false)) return [];
        var records = name is null ? await _journal.AllAsync(ct).ConfigureAwait(false) : [await FindAsync(name, ct).ConfigureAwait(false)];
        var guardStatus = guards is null || records.Count == 0 ? null : await GuardStatusReader.ReadAsync(sql.DataSource, guards, ct).ConfigureAwait(false);
        var result = new List<MigrationStatus>();
        foreach (var r in records)
        {
            var steps = await _journal.StepsAsync(r.Id, ct).ConfigureAwait(false);
            var events = await _journal.EventsAsync(r.Id, ct).ConfigureAwait(false);
            var flag = flagKey is null ? JournaledFlag.Of(r) : new JournaledFlag(flagKey, null);
            result.Add(new MigrationStatus(r, steps, await _journal.ControlAsync(r.Id, ct).ConfigureAwait(false),
                flag.Key is null ? null : await _journal.FlagAsync(flag.Key, ct).ConfigureAwait(false),
                [.. events.TakeLast(15)], steps.Any(s => s.PassesPointOfNoReturn && s.Status != StepStatuses.Pending))
            {
                Backfill = await BackfillProgressReader.ReadAsync(sql, r.Name, ct).ConfigureAwait(false),
                Guards = guardStatus,
                FlagUnknown = flag.Unknown,
                EventChain = await EventChainReader.VerifyAsync(sql, r.Id, ct).ConfigureAwait(false),
                Runner = await Runners.RunnerStatusReader.ReadAsync(sql, MigrationLock.Name(r.TargetTable), null, ct).ConfigureAwait(false),
            });
        }
        return result;
    }
}
