namespace Switchyard.Samples.Ledger.Seeding;

/// <summary>What a seed loaded and how fast.</summary>
public sealed record SeedResult(long Transactions, long Accounts, int Merchants, long Chargebacks, TimeSpan CopyElapsed, TimeSpan TotalElapsed)
{
    /// <summary>Transactions per second over the COPY itself.</summary>
    public double CopyRowsPerSecond => CopyElapsed.TotalSeconds > 0 ? Transactions / CopyElapsed.TotalSeconds : 0;

    /// <summary>Transactions per second including indexes and ANALYZE.</summary>
    public double TotalRowsPerSecond => TotalElapsed.TotalSeconds > 0 ? Transactions / TotalElapsed.TotalSeconds : 0;
}
