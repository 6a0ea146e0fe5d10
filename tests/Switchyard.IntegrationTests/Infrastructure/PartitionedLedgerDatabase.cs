using Switchyard.Samples.Ledger.Seeding;

namespace Switchyard.IntegrationTests.Infrastructure;

/// <summary>A fresh database holding the ledger with transactions range-partitioned by month.</summary>
public class PartitionedLedgerDatabase : LedgerDatabase
{
    public override SeedOptions Seed => new() { Rows = 20_000, Partitioned = true };
}
