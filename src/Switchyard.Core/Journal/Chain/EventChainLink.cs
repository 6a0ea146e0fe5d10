namespace Switchyard.Core.Journal.Chain;

/// <summary>One event as the chain sees it: its stored position and hashes, and the hash its content gives now.</summary>
/// <param name="ComputedHash">sha256(prev_hash || content) recomputed by the verifier; null for an event with no hash.</param>
public sealed record ChainLink(long EventId, long? Seq, string? PrevHash, string? Hash, string? ComputedHash);

/// <summary>The chain's head row (<c>switchyard.event_chain_heads</c>): the last position written and its hash.</summary>
public sealed record ChainHead(long Seq, string? Hash, long? EventId);

/// <summary>What is wrong at the first broken link.</summary>
public enum ChainBreakKind
{
    /// <summary>An event's content or hash no longer matches what was chained.</summary>
    Edited,
    /// <summary>Events are missing from the chain.</summary>
    Deleted,
    /// <summary>Events are in a different order than they were chained in.</summary>
    Reordered,
    /// <summary>An event was written around the chain (no hash after the chain started).</summary>
    Inserted,
}

/// <summary>The first broken link: the event where verification failed, what differs, and in words.</summary>
public sealed record ChainBreak(long EventId, ChainBreakKind Kind, string Detail);
