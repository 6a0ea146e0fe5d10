using Switchyard.Core.Operations;
using Switchyard.Core.Operations.NormalizeColumn;

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
        if (Target is NormalizationTarget { Unmapped: { Action: UnmappedAction.MapTo, MapToCode: var code } } n && string.IsNullOrWhiteSpace(code))
            throw new SwitchyardException($"unmapped policy map_to names no code for {n.Table}.{n.SourceColumn}.", "Set unmapped: { map_to: <code> } in the spec.");
        Options.Validate();
    }
}
