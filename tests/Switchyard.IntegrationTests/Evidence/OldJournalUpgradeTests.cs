using Switchyard.Core.Engine;
using Switchyard.Core.Evidence;
using Switchyard.Core.Journal;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Evidence;

public sealed class OldJournalUpgradeTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task JournalSchema_JournalFromBeforeTheChain_UpgradesInPlaceAndSaysWhereTheChainStarts()
    {
        // Given a journal as older versions created it (no hash chain), with two events
        await JournalSchema.EnsureAsync(db.Runner(), CancellationToken.None);
        await db.ExecuteAsync("""
            DROP TRIGGER events_chain ON switchyard.events;
            DROP FUNCTION switchyard.events_chain();
            DROP FUNCTION switchyard.event_hash(text, switchyard.events);
            DROP TABLE switchyard.event_chain_heads;
            ALTER TABLE switchyard.events DROP COLUMN chain_seq, DROP COLUMN prev_hash, DROP COLUMN hash;
            INSERT INTO switchyard.migrations (name, target_table, spec_checksum) VALUES ('old', 'public.transactions', 'spec');
            INSERT INTO switchyard.events (migration_id, os_user, kind, message) SELECT 1, 'ops', 'note', 'before upgrade ' || g FROM generate_series(1, 2) g;
            """);
        var before = (await new MigrationControl(db.Runner()).StatusAsync("old", null, CancellationToken.None)).Single().EventChain!;

        // When this version ensures its schema and journals two more events
        await JournalSchema.EnsureAsync(db.Runner(), CancellationToken.None);
        await JournalSchema.EnsureAsync(db.Runner(), CancellationToken.None);
        var journal = new MigrationJournal(db.Runner());
        await journal.EventAsync(1, "note", "after upgrade 1", null, CancellationToken.None);
        await journal.EventAsync(1, "note", "after upgrade 2", null, CancellationToken.None);
        var status = (await new MigrationControl(db.Runner()).StatusAsync("old", null, CancellationToken.None)).Single().EventChain!;
        var exported = EvidenceVerifier.Verify((await new EvidenceExporter(db.Runner()).ExportAsync("old", CancellationToken.None)).ToJson()).Chain;

        // Then
        before.Recorded.ShouldBeFalse();
        before.Describe().ShouldStartWith("not recorded");
        foreach (var verdict in new[] { status, exported })
        {
            verdict.Intact.ShouldBeTrue(verdict.Describe());
            verdict.Chained.ShouldBe(2);
            verdict.Unchained.ShouldBe(2);
            verdict.FirstChainedEventId.ShouldBe(3);
            verdict.Describe().ShouldContain("2 earlier event(s) written before the chain existed are not covered (the chain starts at event 3)");
        }
    }
}
