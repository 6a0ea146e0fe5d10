using Switchyard.Core.Engine;
using Switchyard.Core.Evidence;
using Switchyard.Core.Journal.Chain;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Evidence;

public sealed class EventChainTests(JournalDatabase db) : IClassFixture<JournalDatabase>
{
    [Fact]
    public async Task EventChain_UntouchedJournal_IsIntactInStatusAndInAFreshExport()
    {
        // Given
        await db.MigrationWithEventsAsync("chain-untouched", 5);

        // When
        var status = await StatusChainAsync("chain-untouched");
        var exported = await ExportChainAsync("chain-untouched");
        var cli = await CliRunner.RunAsync(["status", "-m", "chain-untouched", "--no-guards", "-c", db.ConnectionString]);

        // Then
        cli.ExitCode.ShouldBe(0, cli.StdErr);
        status.Intact.ShouldBeTrue(status.Describe());
        status.Chained.ShouldBe(5);
        exported.Intact.ShouldBeTrue(exported.Describe());
        exported.Chained.ShouldBe(5);
    }

    [Fact]
    public async Task EventChain_EventEditedInTheDatabase_StatusAndVerifyNameItAsEdited()
    {
        // Given
        var id = await db.MigrationWithEventsAsync("chain-edited", 5);
        var edited = (await db.EventIdsAsync(id))[2];

        // When
        await db.TamperAsync($"UPDATE switchyard.events SET message = 'nothing happened here' WHERE id = {edited}");
        var status = await StatusChainAsync("chain-edited");
        var exported = await ExportChainAsync("chain-edited");
        var cli = await CliRunner.RunAsync(["status", "-m", "chain-edited", "--no-guards", "-c", db.ConnectionString]);

        // Then
        ShouldBreakAt([status, exported], ChainBreakKind.Edited, edited, "content no longer matches its hash");
        status.Describe().ShouldContain($"BROKEN at event {edited}: edited");
        cli.ExitCode.ShouldBe(4, cli.StdErr);
        cli.StdOut.ShouldContain($"BROKEN at event {edited}: edited");
        cli.StdErr.ShouldContain("error: the journal of migration chain-edited was altered");
    }

    [Fact]
    public async Task EventChain_EventEditedAndRehashed_NextLinkNamesTheEditedEvent()
    {
        // Given
        var id = await db.MigrationWithEventsAsync("chain-rehashed", 4);
        var ids = await db.EventIdsAsync(id);

        // When the editor also recomputes the edited event's own hash
        await db.TamperAsync($"UPDATE switchyard.events SET kind = 'forged' WHERE id = {ids[1]}; UPDATE switchyard.events e SET hash = switchyard.event_hash(e.prev_hash, e) WHERE id = {ids[1]}");
        var status = await StatusChainAsync("chain-rehashed");
        var exported = await ExportChainAsync("chain-rehashed");

        // Then
        ShouldBreakAt([status, exported], ChainBreakKind.Edited, ids[2], $"event {ids[1]} was edited and re-hashed");
    }

    [Fact]
    public async Task EventChain_EventDeletedInTheDatabase_StatusAndVerifyNameTheGap()
    {
        // Given
        var id = await db.MigrationWithEventsAsync("chain-deleted", 5);
        var ids = await db.EventIdsAsync(id);

        // When
        await db.TamperAsync($"DELETE FROM switchyard.events WHERE id = {ids[1]}");
        var status = await StatusChainAsync("chain-deleted");
        var exported = await ExportChainAsync("chain-deleted");

        // Then
        ShouldBreakAt([status, exported], ChainBreakKind.Deleted, ids[2], "1 event(s) missing from the chain before event");
    }

    [Fact]
    public async Task EventChain_LastEventDeleted_ChainHeadShowsIt()
    {
        // Given
        var id = await db.MigrationWithEventsAsync("chain-tail", 3);
        var ids = await db.EventIdsAsync(id);

        // When
        await db.TamperAsync($"DELETE FROM switchyard.events WHERE id = {ids[^1]}");
        var status = await StatusChainAsync("chain-tail");
        var exported = await ExportChainAsync("chain-tail");

        // Then
        ShouldBreakAt([status, exported], ChainBreakKind.Deleted, ids[^1], "the last 1 event(s) of the chain are missing");
    }

    [Fact]
    public async Task EventChain_PositionsSwapped_StatusNamesItAsReordered()
    {
        // Given
        var id = await db.MigrationWithEventsAsync("chain-swapped", 4);
        var ids = await db.EventIdsAsync(id);

        // When
        await db.TamperAsync($"UPDATE switchyard.events SET chain_seq = CASE id WHEN {ids[1]} THEN 3 ELSE 2 END WHERE id IN ({ids[1]}, {ids[2]})");
        var status = await StatusChainAsync("chain-swapped");

        // Then
        ShouldBreakAt([status], ChainBreakKind.Reordered, ids[2], $"was chained after event {ids[1]}, but now follows event {ids[0]}");
    }

    [Fact]
    public async Task EventChain_EventWrittenAroundTheTrigger_StatusAndVerifyNameItAsInserted()
    {
        // Given
        var id = await db.MigrationWithEventsAsync("chain-bypassed", 3);

        // When an event is inserted with triggers off (no hash)
        await db.TamperAsync($"INSERT INTO switchyard.events (migration_id, os_user, kind, message) VALUES ({id}, 'ops', 'note', 'backdated approval')");
        var inserted = (await db.EventIdsAsync(id))[^1];
        var status = await StatusChainAsync("chain-bypassed");
        var exported = await ExportChainAsync("chain-bypassed");

        // Then
        ShouldBreakAt([status, exported], ChainBreakKind.Inserted, inserted, "was written around the chain trigger");
    }

    [Fact]
    public async Task EventChain_ConcurrentWriters_OneLinearChain()
    {
        // Given
        var id = await db.MigrationWithEventsAsync("chain-concurrent", 0);

        // When eight writers append at once
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
                await db.Journal().EventAsync(id, "note", $"writer {w} event {i}", null, CancellationToken.None);
        })));
        var status = await StatusChainAsync("chain-concurrent");

        // Then
        status.Intact.ShouldBeTrue(status.Describe());
        status.Chained.ShouldBe(80);
        (await db.ScalarAsync<long>($"SELECT count(DISTINCT prev_hash) FROM switchyard.events WHERE migration_id = {id} AND prev_hash IS NOT NULL")).ShouldBe(79);
    }

    [Fact]
    public async Task EventChain_WriterSuppliesItsOwnHash_TriggerOverwritesIt()
    {
        // Given
        var id = await db.MigrationWithEventsAsync("chain-forged-insert", 2);

        // When
        await db.Runner().ExecuteAsync("INSERT INTO switchyard.events (migration_id, os_user, kind, message, chain_seq, prev_hash, hash) VALUES ($1, 'x', 'note', 'm', 1, NULL, 'forged')",
            CancellationToken.None, id);
        var status = await StatusChainAsync("chain-forged-insert");

        // Then
        status.Intact.ShouldBeTrue(status.Describe());
        status.Chained.ShouldBe(3);
        (await db.ScalarAsync<long>($"SELECT count(*) FROM switchyard.events WHERE migration_id = {id} AND hash = 'forged'")).ShouldBe(0);
    }

    [Fact]
    public async Task EventChain_EventDataWithEscapesUnicodeAndNumbers_ExportRehashesLikeTheDatabase()
    {
        // Given
        var id = await db.MigrationWithEventsAsync("chain-awkward", 0);
        await db.Runner().ExecuteAsync("INSERT INTO switchyard.events (migration_id, os_user, kind, message, data) VALUES ($1, $2, 'note', $3, $4::jsonb)", CancellationToken.None,
            id, "zoë", "tab\there \"quoted\" back\\slash \u0001 ☃ 🚀",
            """{"zz": 1.50, "a": -0, "bb": 1e3, "big": 123456789012345678901234567890, "nested": {"é": [true, false, null, "x\ny"], "": {}}, "list": []}""");

        // When
        var exported = await ExportChainAsync("chain-awkward");

        // Then
        exported.Intact.ShouldBeTrue(exported.Describe());
        exported.Chained.ShouldBe(1);
    }

    private static void ShouldBreakAt(EventChainVerdict[] verdicts, ChainBreakKind kind, long eventId, string detail)
    {
        foreach (var verdict in verdicts)
        {
            verdict.Break.ShouldNotBeNull();
            verdict.Break.Kind.ShouldBe(kind, verdict.Describe());
            verdict.Break.EventId.ShouldBe(eventId);
            verdict.Break.Detail.ShouldContain(detail);
        }
    }

    private async Task<EventChainVerdict> StatusChainAsync(string name) =>
        (await new MigrationControl(db.Runner()).StatusAsync(name, null, CancellationToken.None)).Single().EventChain!;

    private async Task<EventChainVerdict> ExportChainAsync(string name)
    {
        var record = await new EvidenceExporter(db.Runner()).ExportAsync(name, CancellationToken.None);
        return EvidenceVerifier.Verify(record.ToJson()).Chain;
    }
}
