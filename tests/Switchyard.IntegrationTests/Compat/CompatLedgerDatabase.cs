using Switchyard.IntegrationTests.Infrastructure;
using Switchyard.Samples.Ledger.Seeding;

namespace Switchyard.IntegrationTests.Compat;

/// <summary>A small seeded ledger after Expand (state_id, transaction_state, dual-write trigger) with the flag store in place.</summary>
public sealed class CompatLedgerDatabase : LedgerDatabase
{
    public override SeedOptions Seed => new() { Rows = 3_000, Accounts = 60, Merchants = 50 };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await FlagStore.EnsureAsync(this);
        await TestOnlyDualWriteExpand.ApplyAsync(DataSource);
    }
}
