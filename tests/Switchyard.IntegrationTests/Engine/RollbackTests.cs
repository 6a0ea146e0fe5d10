using Switchyard.Core.Engine;
using Switchyard.Core.Engine.Rollback;
using Switchyard.Core.Planning;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Engine;

public sealed class RollbackTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task Rollback_FromEveryPhaseBeforeContract_RestoresTheStartingCatalogAndInvariants()
    {
        // Given the legacy ledger's catalog and invariants
        var spec = FlagshipSpec.Load();
        var startCatalog = await FlagshipSpec.SnapshotAsync(db);
        var startInvariants = await db.InvariantsAsync();
        var rollback = new MigrationRollback(db.Runner());

        foreach (var phase in new[] { MigrationPhase.Expand, MigrationPhase.Backfill, MigrationPhase.Validate, MigrationPhase.Cutover })
        {
            // When the migration reaches the phase (Cutover: flags flipped by people) and is rolled back entirely
            var reached = await FlagshipSpec.Engine(db).ApplyAsync(spec, new ApplyOptions { To = phase == MigrationPhase.Cutover ? MigrationPhase.Validate : phase }, CancellationToken.None);
            reached.State.ShouldNotBe("failed");
            if (phase == MigrationPhase.Cutover)
                await new MigrationControl(db.Runner()).CutoverAsync(null, "new", 50, "both", CancellationToken.None);
            (await FlagshipSpec.SnapshotAsync(db)).SameAs(startCatalog).ShouldBeFalse($"{phase} changed nothing?");
            var result = await rollback.RollbackAsync(spec, null, new RollbackOptions { Confirm = FlagshipSpec.Name }, CancellationToken.None);

            // Then the catalog is exactly the starting one and no money moved
            result.State.ShouldBe("rolled_back");
            var diff = (await FlagshipSpec.SnapshotAsync(db)).Diff(startCatalog);
            diff.ShouldBeEmpty($"after rolling back from {phase}: {string.Join("\n", diff)}");
            (await db.InvariantsAsync()).ShouldBe(startInvariants);
            if (phase == MigrationPhase.Cutover)
                (await db.ScalarAsync<string>("SELECT read_mode || '/' || write_mode FROM switchyard.flags")).ShouldBe("legacy/legacy");
        }
        (await db.ScalarAsync<long>("SELECT count(*) FROM switchyard.events WHERE kind = 'rollback_finished'")).ShouldBe(4);
    }
}
