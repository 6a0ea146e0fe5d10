namespace Switchyard.Core.Journal.Chain;

/// <summary>The result of walking a migration's event chain.</summary>
/// <param name="Recorded">False when the journal or export predates the chain (nothing to walk).</param>
/// <param name="Chained">Events covered by the chain.</param>
/// <param name="Unchained">Events written before the chain started (a journal made by an older version): not covered.</param>
/// <param name="FirstChainedEventId">Where the chain starts; null when it has no event yet.</param>
/// <param name="Break">The first broken link; null when the chain is intact.</param>
public sealed record EventChainVerdict(bool Recorded, int Chained, int Unchained, long? FirstChainedEventId, ChainBreak? Break)
{
    public static readonly EventChainVerdict NotRecorded = new(false, 0, 0, null, null);

    public bool Intact => Recorded && Break is null;

    /// <summary>One line for people: intact (and what it covers), or the first broken link.</summary>
    public string Describe()
    {
        if (!Recorded) return "not recorded (journal or export made by a version without the event hash chain)";
        if (Break is { } b) return $"BROKEN at event {b.EventId}: {b.Kind.ToString().ToLowerInvariant()} — {b.Detail}";
        var scope = Unchained == 0
            ? ""
            : $"; {Unchained} earlier event(s) written before the chain existed are not covered (the chain starts at event {FirstChainedEventId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"})";
        return $"intact ({Chained} event(s) chained{scope})";
    }
}
