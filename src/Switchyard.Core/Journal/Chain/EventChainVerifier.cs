namespace Switchyard.Core.Journal.Chain;

/// <summary>
/// Walks a migration's event chain in chain order and names the first broken link: an event whose content no longer
/// matches its hash (edited), a gap in the positions or a head past the last event (deleted), an event that links to
/// another event than the one before it (reordered), or an event without a hash after the chain started (inserted).
/// The same walk serves <c>status</c> (links read from the database) and <c>evidence --verify</c> (links from an export).
/// </summary>
public static class EventChainVerifier
{
    public static EventChainVerdict Verify(IReadOnlyList<ChainLink> links, ChainHead? head)
    {
        var chained = links.Where(l => l.Seq is not null).OrderBy(l => l.Seq).ThenBy(l => l.EventId).ToList();
        var firstId = chained.Count == 0 ? (long?)null : chained.Min(l => l.EventId);
        var unhashed = links.Where(l => l.Seq is null).ToList();
        var unchained = unhashed.Count(l => firstId is null || l.EventId < firstId);
        var verdict = new EventChainVerdict(true, chained.Count, unchained, firstId, null);
        var found = FirstBreakInOrder(chained)
            ?? unhashed.Where(l => firstId is not null && l.EventId > firstId).Select(l => new ChainBreak(l.EventId, ChainBreakKind.Inserted,
                $"event {l.EventId} has no hash although the chain started at event {firstId}: it was written around the chain trigger, or its hash was removed")).FirstOrDefault()
            ?? HeadBreak(chained, head);
        return verdict with { Break = found };
    }

    private static ChainBreak? FirstBreakInOrder(List<ChainLink> chained)
    {
        var byHash = chained.Where(l => l.Hash is not null).GroupBy(l => l.Hash!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().EventId, StringComparer.Ordinal);
        ChainLink? previous = null;
        foreach (var link in chained)
        {
            var expectedSeq = (previous?.Seq ?? 0) + 1;
            if (link.Seq > expectedSeq)
                return new(link.EventId, ChainBreakKind.Deleted,
                    $"{link.Seq - expectedSeq} event(s) missing from the chain before event {link.EventId} (positions {expectedSeq}..{link.Seq - 1})");
            if (link.Seq < expectedSeq)
                return new(link.EventId, ChainBreakKind.Reordered, $"event {link.EventId} claims chain position {link.Seq}, already held by event {previous!.EventId}");
            if (!string.Equals(link.PrevHash, previous?.Hash, StringComparison.Ordinal))
                return LinkBreak(link, previous, byHash);
            if (!string.Equals(link.Hash, link.ComputedHash, StringComparison.Ordinal))
                return new(link.EventId, ChainBreakKind.Edited, $"event {link.EventId}'s content no longer matches its hash (chain position {link.Seq})");
            previous = link;
        }
        return null;
    }

    private static ChainBreak LinkBreak(ChainLink link, ChainLink? previous, Dictionary<string, long> byHash)
    {
        if (link.PrevHash is not null && byHash.TryGetValue(link.PrevHash, out var linkedTo) && linkedTo != link.EventId)
            return new(link.EventId, ChainBreakKind.Reordered,
                $"event {link.EventId} was chained after event {linkedTo}, but now follows {(previous is null ? "nothing (chain start)" : $"event {previous.EventId}")}");
        return previous is null
            ? new(link.EventId, ChainBreakKind.Edited, $"event {link.EventId} starts the chain but links to a previous hash (its link was edited, or the events before it were deleted)")
            : new(link.EventId, ChainBreakKind.Edited,
                $"event {link.EventId} links to a hash event {previous.EventId} does not have: event {previous.EventId} was edited and re-hashed, or this link was changed");
    }

    private static ChainBreak? HeadBreak(List<ChainLink> chained, ChainHead? head)
    {
        if (head is null) return null;
        var last = chained.Count == 0 ? null : chained[^1];
        var lastSeq = last?.Seq ?? 0;
        if (head.Seq > lastSeq)
            return new(head.EventId ?? 0, ChainBreakKind.Deleted,
                $"the last {head.Seq - lastSeq} event(s) of the chain are missing: its head records position {head.Seq} (event {head.EventId}), the events end at {lastSeq}");
        if (head.Seq < lastSeq)
            return new(last!.EventId, ChainBreakKind.Inserted, $"event {last.EventId} is at chain position {lastSeq}, past the head's recorded position {head.Seq}");
        if (last is not null && !string.Equals(head.Hash, last.Hash, StringComparison.Ordinal))
            return new(last.EventId, ChainBreakKind.Edited, $"event {last.EventId}, the last of the chain, was re-hashed: its hash differs from the one the chain head recorded");
        return null;
    }
}
