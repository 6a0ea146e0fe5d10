namespace Switchyard.Core.Runbook.Scale;

/// <summary>How the full-scale rows were divided over the shards, and the rule used, said in words for the runbook.</summary>
public sealed record FleetRowSplit(IReadOnlyList<long> Shares, bool Proportional, string Rule)
{
    /// <summary>
    /// Splits <paramref name="total"/> over the shards in proportion to their current rows (a shard with twice the rows
    /// gets twice the share); evenly when every shard is empty or any shard's count is unknown (never analyzed), since
    /// a missing count would otherwise be read as an empty shard. Largest remainders round, so the shares add up to the total.
    /// </summary>
    public static FleetRowSplit Split(long total, IReadOnlyList<long?> currentRows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        if (currentRows.Count == 0) throw new ArgumentException("A fleet has at least one shard.", nameof(currentRows));
        if (currentRows.Any(r => r is null))
            return new FleetRowSplit(Largest(total, [.. currentRows.Select(_ => 1m)]), false,
                "evenly, because a shard's row count is unknown (table never analyzed): ANALYZE it on every shard for a proportional split");
        var counts = currentRows.Select(r => Math.Max(0, r!.Value)).ToList();
        if (counts.All(c => c == 0))
            return new FleetRowSplit(Largest(total, [.. counts.Select(_ => 1m)]), false, "evenly, because every shard's table is empty today");
        return new FleetRowSplit(Largest(total, [.. counts.Select(c => (decimal)c)]), true,
            "in proportion to each shard's current rows of the table (planner statistics): a shard with twice the rows gets twice the share");
    }

    /// <summary>Floor of each exact share, then one more row to the largest fractions until the total is reached.</summary>
    private static long[] Largest(long total, IReadOnlyList<decimal> weights)
    {
        var sum = weights.Sum();
        var exact = weights.Select(w => total * (w / sum)).ToArray();
        var shares = exact.Select(e => (long)decimal.Floor(e)).ToArray();
        var left = total - shares.Sum();
        foreach (var i in Enumerable.Range(0, shares.Length).OrderByDescending(i => exact[i] - shares[i]).ThenBy(i => i).Take((int)left))
            shares[i]++;
        return shares;
    }
}
