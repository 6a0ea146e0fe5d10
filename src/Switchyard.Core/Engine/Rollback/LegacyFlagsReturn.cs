using System.Globalization;
using Switchyard.Core.Journal;
using Switchyard.Core.Planning;

namespace Switchyard.Core.Engine.Rollback;

/// <summary>
/// Before a rollback drops what app v2 reads: once flags have left legacy, needs <c>--confirm</c>, puts the flags back
/// to legacy and waits (bounded) until every connected Compat client acknowledged that version. When one does not,
/// the rollback is refused and nothing is dropped; flags left at legacy are safe for every app version.
/// </summary>
public sealed class LegacyFlagsReturn(MigrationJournal journal, RollbackOptions options)
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(2);

    public async Task ReturnAsync(MigrationRecord record, MigrationPlan plan, CancellationToken ct)
    {
        if (plan.FlagKey is not { } key || await journal.FlagAsync(key, ct).ConfigureAwait(false) is not { } flag) return;
        var atLegacy = (flag.ReadMode, flag.WriteMode, flag.ReadPercent) == ("legacy", "legacy", 0);
        if (atLegacy && !await FlippedSinceLastRollbackAsync(record.Id, ct).ConfigureAwait(false)) return;
        RequireConfirm(record, flag);
        if (!atLegacy)
        {
            flag = await journal.SetFlagAsync(key, "legacy", 0, "legacy", ct).ConfigureAwait(false);
            await journal.EventAsync(record.Id, "flags_flipped", $"{key}: → reads legacy / writes legacy (rollback, version {flag.Version})", new { flag_key = key, to = flag }, ct).ConfigureAwait(false);
        }
        await CutoverNoLongerDoneAsync(record, plan, ct).ConfigureAwait(false);
        await WaitForAcksAsync(record, key, flag.Version, ct).ConfigureAwait(false);
    }

    private void RequireConfirm(MigrationRecord record, FlagRecord flag)
    {
        var where = $"flag {flag.FlagKey} is at reads {flag.ReadMode} {flag.ReadPercent}% / writes {flag.WriteMode} (version {flag.Version})";
        if (options.Confirm is null)
            throw new SwitchyardException($"Rollback of '{record.Name}' needs --confirm: {where}, so app v2 instances may read only the new shape that rollback drops. Nothing was changed.",
                $"Re-run with `--confirm {record.Name}`: rollback then returns the flags to legacy and waits until every connected Compat client acknowledges before it drops anything.");
        if (options.Confirm != record.Name)
            throw new SwitchyardException($"--confirm '{options.Confirm}' does not match the migration name '{record.Name}'; {where}. Nothing was changed.",
                $"Re-run with `--confirm {record.Name}`.");
    }

    /// <summary>Flags flipped and back again still leave clients that may not have applied the latest version.</summary>
    private Task<bool> FlippedSinceLastRollbackAsync(long id, CancellationToken ct) =>
        journal.Sql.ScalarAsync<bool>("""
            SELECT EXISTS (SELECT 1 FROM switchyard.events WHERE migration_id = $1 AND kind = 'flags_flipped'
                           AND id > coalesce((SELECT max(id) FROM switchyard.events WHERE migration_id = $1 AND kind = 'rollback_finished'), 0))
            """, ct, id);

    /// <summary>Apply must not pass the Cutover gate on a journaled "done" while the flags are at legacy.</summary>
    private async Task CutoverNoLongerDoneAsync(MigrationRecord record, MigrationPlan plan, CancellationToken ct)
    {
        var steps = await journal.StepsAsync(record.Id, ct).ConfigureAwait(false);
        foreach (var step in plan.Steps.Where(s => s.Kind == StepKind.Cutover))
        {
            if (steps.Any(s => s.Key == step.Key && s.Status == StepStatuses.Done))
                await journal.StepFinishedAsync(record.Id, step.Key, StepStatuses.Pending, "flags returned to legacy by rollback", ct).ConfigureAwait(false);
        }
    }

    private async Task WaitForAcksAsync(MigrationRecord record, string key, long version, CancellationToken ct)
    {
        var started = options.Time.GetTimestamp();
        TimeSpan? reported = null;
        while (true)
        {
            var clients = await ConnectedClients.ReadAsync(journal.Sql, key, options.HeartbeatWindow, ct).ConfigureAwait(false);
            var behind = clients.Where(c => c.AckedVersion < version).ToList();
            if (behind.Count == 0)
            {
                await journal.EventAsync(record.Id, "flags_acknowledged",
                    $"{key}: {clients.Count} connected Compat client(s) acknowledged version {version} (legacy)",
                    new { flag_key = key, version, clients }, ct).ConfigureAwait(false);
                options.Progress?.Report($"flags: {clients.Count} connected Compat client(s) acknowledged {key} version {version} (legacy)");
                return;
            }
            var waited = options.Time.GetElapsedTime(started);
            if (waited >= options.AckTimeout)
            {
                var seconds = options.AckTimeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
                await journal.EventAsync(record.Id, "rollback_refused",
                    $"{behind.Count} of {clients.Count} connected Compat client(s) did not acknowledge {key} version {version} within {seconds}s: {string.Join("; ", behind)}",
                    new { flag_key = key, version, not_acknowledged = behind }, CancellationToken.None).ConfigureAwait(false);
                throw new SwitchyardException(
                    $"Rollback of '{record.Name}' refused: {behind.Count} of {clients.Count} connected Compat client(s) did not acknowledge {key} version {version} (legacy) within {seconds}s: {string.Join("; ", behind)}. Flags are at legacy; nothing was dropped.",
                    $"Those instances may still read the new shape: fix or restart them (an application LISTENing without Switchyard.Compat acknowledgements must be upgraded or stopped), then re-run `switchyard rollback --confirm {record.Name}`.");
            }
            if (reported is null || waited - reported >= ReportEvery)
            {
                options.Progress?.Report($"flags: waiting for {behind.Count} of {clients.Count} Compat client(s) to acknowledge {key} version {version} ({waited.TotalSeconds:F0}s): {string.Join("; ", behind)}");
                reported = waited;
            }
            await Task.Delay(PollEvery, options.Time, ct).ConfigureAwait(false);
        }
    }
}
