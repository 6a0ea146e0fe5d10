using Switchyard.Samples.Ledger.Invariants;
using Switchyard.Samples.Ledger.Seeding;

namespace Switchyard.IntegrationTests.Infrastructure;

/// <summary>A fresh database holding a seeded legacy ledger; subclass to change <see cref="Seed"/>.</summary>
public class LedgerDatabase : TestDatabase
{
    public virtual SeedOptions Seed => new() { Rows = 20_000 };

    public SeedResult Seeded { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Seeded = await new LedgerSeeder(DataSource).SeedAsync(Seed, null, CancellationToken.None);
    }

    public Task<LedgerInvariants> InvariantsAsync() => LedgerInvariantsReader.ReadAsync(DataSource, CancellationToken.None);
}
