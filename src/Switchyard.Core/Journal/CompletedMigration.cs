using System.Globalization;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Journal;

/// <summary>
/// Whether the journal says a migration already finished, read before planning it: after Contract the legacy column
/// is gone, so a plan would describe work already done and the catalog check would fail on the dropped column.
/// </summary>
public static class CompletedMigration
{
    /// <summary>"migration X is complete (contracted at …)" when the journal records it completed; otherwise null.</summary>
    public static async Task<string?> DescribeAsync(SafeSqlRunner sql, string name, CancellationToken ct)
    {
        var journal = new MigrationJournal(sql);
        if (!await journal.ExistsAsync(ct).ConfigureAwait(false)) return null;
        if (await journal.FindAsync(name, ct).ConfigureAwait(false) is not { State: MigrationStates.Completed } record) return null;
        var steps = await journal.StepsAsync(record.Id, ct).ConfigureAwait(false);
        var contracted = steps.Where(s => s.Phase == "contract").Max(s => s.FinishedAt);
        var at = (contracted ?? record.UpdatedAt).ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
        return contracted is null
            ? $"migration {record.Name} is complete (finished at {at}); nothing left to plan. Its record: `switchyard status -m {record.Name}`."
            : $"migration {record.Name} is complete (contracted at {at}); nothing left to plan. Its record: `switchyard status -m {record.Name}`.";
    }
}
