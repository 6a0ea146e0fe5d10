using Switchyard.IntegrationTests.Infrastructure;
using Switchyard.Samples.Ledger.Seeding;

namespace Switchyard.IntegrationTests.Compat;

/// <summary>
/// A small seeded ledger taken through the engine's Expand steps and backfill SQL for the flagship spec: transaction_state,
/// state_id (backfilled), the dual-write trigger, and the flag row in switchyard.flags.
/// </summary>
public sealed class CompatLedgerDatabase : LedgerDatabase
{
    public override SeedOptions Seed => new() { Rows = 3_000, Accounts = 60, Merchants = 50 };

    public static string FlagshipSpec => Path.Combine(TestCluster.RepositoryRoot(), "samples", "Ledger", "specs", "001-normalize-transaction-status.yaml");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await FlagStore.EnsureAsync(this);
        await EngineExpand.ApplyExpandAndBackfillAsync(Runner(), DataSource, FlagshipSpec);
    }
}
