using Switchyard.Core.Engine;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;
using Switchyard.IntegrationTests.Infrastructure;
using Switchyard.Samples.Ledger.Seeding;

namespace Switchyard.IntegrationTests.Compat;

/// <summary>
/// A small seeded ledger taken through the engine's real Expand and Backfill of the flagship spec
/// (<c>MigrationEngine.ApplyAsync</c>, stopping after Backfill): transaction_state, state_id (backfilled), the
/// dual-write trigger, and the flag row in switchyard.flags.
/// </summary>
public sealed class CompatLedgerDatabase : LedgerDatabase
{
    public override SeedOptions Seed => new() { Rows = 3_000, Accounts = 60, Merchants = 50 };

    public static string FlagshipSpec => Path.Combine(TestCluster.RepositoryRoot(), "samples", "Ledger", "specs", "001-normalize-transaction-status.yaml");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var engine = new MigrationEngine(Runner());
        await engine.ApplyAsync(SpecLoader.LoadFile(FlagshipSpec), new ApplyOptions { To = MigrationPhase.Backfill }, CancellationToken.None);
        (await ScalarAsync<long>("SELECT count(*) FROM transactions WHERE state_id IS NULL")).ShouldBe(0, "the engine's backfill left rows without state_id");
    }
}
