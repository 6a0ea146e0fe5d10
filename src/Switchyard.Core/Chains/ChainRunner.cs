using Switchyard.Core.Engine;
using Switchyard.Core.Journal;
using Switchyard.Core.Planning;

namespace Switchyard.Core.Chains;

/// <summary>What a chain run did: each file it ran (with the result), and where it stopped, if it did.</summary>
public sealed record ChainResult(IReadOnlyList<ChainEntry> Before, IReadOnlyList<ChainRun> Ran, string? StoppedAt, string Message)
{
    /// <summary>True when every file of the chain is applied.</summary>
    public bool Complete => StoppedAt is null;
}

/// <summary>One file the chain ran, and how its run ended.</summary>
public sealed record ChainRun(string File, RunResult Result);

/// <summary>
/// Applies a chain in order: files already applied are skipped, the first one not applied runs (or continues), and
/// the chain stops at the first that does not complete (a gate that needs people, a pause, a failure). One migration
/// per table at a time follows: the next file runs only after the one before it completed.
/// </summary>
public sealed class ChainRunner(MigrationJournal journal)
{
    /// <summary>Each file against the journal, in chain order.</summary>
    public async Task<IReadOnlyList<ChainEntry>> InspectAsync(IReadOnlyList<ChainFile> files, CancellationToken ct)
    {
        var records = await journal.ExistsAsync(ct).ConfigureAwait(false)
            ? (await journal.AllAsync(ct).ConfigureAwait(false)).ToDictionary(r => r.Name, StringComparer.Ordinal)
            : [];
        return [.. files.Select(f => ChainEntry.Of(f, records.GetValueOrDefault(f.Spec.Name)))];
    }

    /// <summary>
    /// Refuses an edited applied file and, with <paramref name="expectOne"/>, more than one file to run — before anything
    /// runs; then applies the rest in order with <paramref name="applyOne"/>.
    /// </summary>
    public async Task<ChainResult> ApplyAsync(IReadOnlyList<ChainFile> files, bool expectOne, Func<ChainFile, CancellationToken, Task<RunResult>> applyOne, CancellationToken ct)
    {
        var entries = await InspectAsync(files, ct).ConfigureAwait(false);
        RefuseEdited(entries);
        var todo = entries.Where(e => e.State != ChainEntryState.Applied).ToList();
        if (expectOne && todo.Count > 1)
            throw new ChainRefusedException(
                $"--expect-one: {todo.Count} migrations are not applied ({string.Join(", ", todo.Select(e => e.File.FileName))}); nothing was run.",
                "Ship one migration per deployment, or drop --expect-one to apply them in order.", 2);
        var ran = new List<ChainRun>();
        foreach (var entry in todo)
        {
            var result = await applyOne(entry.File, ct).ConfigureAwait(false);
            ran.Add(new ChainRun(entry.File.FileName, result));
            if (result.State != MigrationStates.Completed)
                return new ChainResult(entries, ran, entry.File.FileName,
                    $"stopped at {entry.File.FileName} ({result.Phase}, {result.State}): {result.Message}");
        }
        return new ChainResult(entries, ran, null, todo.Count == 0
            ? $"all {entries.Count} migrations are applied: nothing to do."
            : $"applied {todo.Count} of {entries.Count} migrations; the chain is complete.");
    }

    /// <summary>
    /// Adopts the chain's files up to and including <paramref name="through"/> (a file name or migration name) as
    /// applied, without running them: for a schema that already has them.
    /// </summary>
    public async Task<IReadOnlyList<ChainEntry>> BaselineAsync(IReadOnlyList<ChainFile> files, string through, CancellationToken ct)
    {
        var last = files.ToList().FindIndex(f => f.FileName == through || f.Spec.Name == through);
        if (last < 0)
            throw new ChainRefusedException($"--through '{through}' is neither a file nor a migration of the chain.",
                $"Use one of: {string.Join(", ", files.Select(f => f.FileName))}.", 2);
        await journal.EnsureSchemaAsync(ct).ConfigureAwait(false);
        var entries = await InspectAsync(files, ct).ConfigureAwait(false);
        RefuseEdited(entries);
        var started = entries.Take(last + 1).FirstOrDefault(e => e.State == ChainEntryState.InProgress);
        if (started is not null)
            throw new ChainRefusedException($"{started.File.FileName} was started by Switchyard ({started.Record!.Phase}, {started.Record.State}); baseline adopts only migrations it never ran.",
                $"Finish it with `switchyard apply {started.File.Path}` or roll it back first.", 2);
        foreach (var e in entries.Take(last + 1).Where(e => e.State == ChainEntryState.Pending))
        {
            var spec = e.File.Spec;
            var record = await journal.BaselineAsync(spec.Name, MigrationPlanner.FirstTable(spec).ToString(), spec.Checksum, e.File.Path, ct).ConfigureAwait(false);
            await journal.EventAsync(record.Id, "baselined", $"adopted as applied without running it ({e.File.FileName})", new { file = e.File.Path }, ct).ConfigureAwait(false);
        }
        return await InspectAsync(files, ct).ConfigureAwait(false);
    }

    private static void RefuseEdited(IReadOnlyList<ChainEntry> entries)
    {
        if (entries.FirstOrDefault(e => e.State == ChainEntryState.Edited) is not { } edited) return;
        throw new ChainRefusedException(
            $"{edited.File.Path} was edited after migration '{edited.File.Spec.Name}' ran (journal checksum {edited.Record!.SpecChecksum[..12]}, file {edited.File.Spec.Checksum[..12]}); nothing was run.",
            "Restore the file as it was applied and put the change in a new migration file.", 4);
    }
}
