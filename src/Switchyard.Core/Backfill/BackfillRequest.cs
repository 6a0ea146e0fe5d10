using Switchyard.Core.Operations;

namespace Switchyard.Core.Backfill;

/// <summary>One backfill to run: which migration it belongs to (the journal key), what to fill, and how.</summary>
public sealed record BackfillRequest(string MigrationName, NormalizationTarget Target, BackfillOptions Options)
{
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(MigrationName))
            throw new SwitchyardException("the backfill needs a migration name (the key of its cursors in switchyard.backfill_ranges).");
        if (Target.Unmapped.Action == UnmappedAction.MapTo && string.IsNullOrWhiteSpace(Target.Unmapped.MapToCode))
            throw new SwitchyardException($"unmapped policy map_to names no code for {Target.Table}.{Target.SourceColumn}.", "Set unmapped: { map_to: <code> } in the spec.");
        Options.Validate();
    }
}
