using Switchyard.Core.Operations;

namespace Switchyard.Core.Backfill;

/// <summary>One backfill to run: which migration it belongs to, what to fill, and how.</summary>
public sealed record BackfillRequest(string MigrationName, IBackfillTarget Target, BackfillOptions Options)
{
    /// <summary>The key of its run and cursors in <c>switchyard.backfill_ranges</c> (the migration's name for a normalization).</summary>
    public string JournalKey => Target.JournalKey(MigrationName);

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(MigrationName))
            throw new SwitchyardException("the backfill needs a migration name (the key of its cursors in switchyard.backfill_ranges).");
        (Target as IBatchSource)?.Validate();
        Options.Validate();
    }
}
