using Switchyard.Core.Fleet;
using Switchyard.Core.Journal;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Fleet;

public sealed class FleetJournalUpgradeTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task StampAsync_JournalFromBeforeFleets_GetsTheColumnAndRecordsTheRunOnce()
    {
        // Given a journal as versions before fleets created it (no fleet_run_id), holding one migration
        await JournalSchema.EnsureAsync(db.Runner(), CancellationToken.None);
        await db.ExecuteAsync("""
            ALTER TABLE switchyard.migrations DROP COLUMN fleet_run_id;
            INSERT INTO switchyard.migrations (name, target_table, spec_checksum) VALUES ('old', 'public.transactions', 'spec');
            """);
        var before = await FleetJournal.RunIdAsync(db.Runner(), "old", CancellationToken.None);

        // When a fleet run is recorded on it twice (a re-run of apply --fleet)
        var run = Guid.NewGuid();
        await FleetJournal.StampAsync(db.Runner(), "old", run, "eu", "eu-1", CancellationToken.None);
        await FleetJournal.StampAsync(db.Runner(), "old", run, "eu", "eu-1", CancellationToken.None);

        // Then the column was added, holds the run, and one fleet_run event names fleet and shard
        before.ShouldBeNull();
        (await FleetJournal.RunIdAsync(db.Runner(), "old", CancellationToken.None)).ShouldBe(run);
        (await db.ScalarAsync<long>("SELECT count(*) FROM switchyard.events WHERE kind = 'fleet_run'")).ShouldBe(1);
        (await db.ScalarAsync<string>("SELECT data->>'shard' FROM switchyard.events WHERE kind = 'fleet_run'")).ShouldBe("eu-1");
    }
}
