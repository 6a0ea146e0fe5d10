using Switchyard.Core.Backfill;
using Switchyard.Core.Operations;
using Switchyard.Core.Operations.NormalizeColumn;
using Switchyard.Samples.Ledger.Seeding;

namespace Switchyard.IntegrationTests.Backfill;

/// <summary>A ledger holding legacy values nobody can map.</summary>
public sealed class DirtyExpandedLedger : ExpandedLedger
{
    public override SeedOptions Seed => new() { Rows = 20_000, UnknownCodes = ["pending_review", "Hold "], UnknownShare = 0.002 };
}

public sealed class BackfillUnmappedValueTests : IClassFixture<DirtyExpandedLedger>
{
    private readonly DirtyExpandedLedger _db;

    public BackfillUnmappedValueTests(DirtyExpandedLedger db) => _db = db;

    private async Task<Dictionary<string, long>> UnknownCountsAsync()
    {
        await using var cmd = _db.DataSource.CreateCommand("SELECT status, count(*) FROM transactions WHERE status IN ('pending_review', 'Hold ') GROUP BY 1");
        await using var r = await cmd.ExecuteReaderAsync();
        var counts = new Dictionary<string, long>();
        while (await r.ReadAsync()) counts[r.GetString(0)] = r.GetInt64(1);
        return counts;
    }

    [Fact]
    public async Task Fail_StopsAtTheFirstBatchHoldingOne_AndReportsEachValueWithCountAndSampleKeys()
    {
        // Given unmapped values in the ledger
        await _db.ResetAsync();
        var before = await _db.InvariantsAsync();
        var expected = await UnknownCountsAsync();
        expected.Count.ShouldBe(2);

        // When the backfill runs under the fail policy
        var outcome = await _db.Backfill().RunAsync(new BackfillRequest("unmapped-fail", ExpandedLedger.Target, ExpandedLedger.SmallBatches()), [], null, CancellationToken.None);

        // Then it failed with every distinct unmapped value, its exact count and keys that really hold it
        var failed = outcome.ShouldBeOfType<BackfillFailed>().Refusal.Details.ShouldBeOfType<UnmappedReport>();
        failed.Values.Select(v => v.Value).OrderBy(v => v, StringComparer.Ordinal).ShouldBe(expected.Keys.OrderBy(v => v, StringComparer.Ordinal));
        foreach (var v in failed.Values)
        {
            v.Rows.ShouldBe(expected[v.Value]);
            v.SampleKeys.ShouldNotBeEmpty();
            foreach (var key in v.SampleKeys)
                (await _db.ScalarAsync<string>($"SELECT status FROM transactions WHERE id = {key}")).ShouldBe(v.Value);
        }
        // and the pre-flight warned before the first batch, the run is journaled as failed, and it stopped early
        outcome.Stats.Warnings.ShouldContain(w => w.Contains("pending_review", StringComparison.Ordinal));
        (await _db.RunStateAsync("unmapped-fail")).ShouldBe("failed");
        var firstUnmapped = await _db.ScalarAsync<long>("SELECT min(id) FROM transactions WHERE status IN ('pending_review', 'Hold ')");
        (await _db.ScalarAsync<long>("SELECT count(*) FROM transactions WHERE state_id IS NOT NULL")).ShouldBeLessThan(before.Transactions);
        (await _db.ScalarAsync<long>($"SELECT count(*) FROM transactions WHERE id = {firstUnmapped} AND state_id IS NULL")).ShouldBe(1);
        (await _db.InvariantsAsync()).SameMoneyAs(before).ShouldBeTrue();
    }

    [Fact]
    public async Task MapTo_GivesUnmappedRowsTheNamedCode_AndEveryOtherRowItsOwn()
    {
        await _db.ResetAsync();
        var before = await _db.InvariantsAsync();
        var unknown = (await UnknownCountsAsync()).Values.Sum();

        var target = ExpandedLedger.Target with { Unmapped = new UnmappedPolicy(UnmappedAction.MapTo, "unknown") };
        var outcome = await _db.Backfill().RunAsync(new BackfillRequest("unmapped-map-to", target, ExpandedLedger.SmallBatches()), [], null, CancellationToken.None);

        outcome.ShouldBeOfType<BackfillCompleted>();
        (await _db.ScalarAsync<long>("SELECT count(*) FROM transactions t JOIN transaction_state s ON s.id = t.state_id WHERE s.code = 'unknown'")).ShouldBe(unknown);
        (await _db.ScalarAsync<long>("SELECT count(*) FROM transactions t JOIN transaction_state s ON s.id = t.state_id WHERE s.code = 'unknown' AND t.status NOT IN ('pending_review', 'Hold ')")).ShouldBe(0);
        var after = await _db.InvariantsAsync();
        after.SameMoneyAs(before).ShouldBeTrue();
        after.StateMissing.ShouldBe(0);
        after.StatusStateDisagreements.ShouldBe(unknown, "judged by the flagship's fail mapping, the rows mapped to 'unknown' differ from their status");
        // (the shape was expanded under the fail policy: add the map_to row Expand writes under map_to)
        await _db.ExecuteAsync("INSERT INTO transaction_state_aliases (alias, code) VALUES (NULL, 'unknown')");
        var byPolicy = await Switchyard.Samples.Ledger.Invariants.LedgerInvariantsReader.ReadAsync(_db.DataSource, null, target, CancellationToken.None);
        byPolicy.StatusStateDisagreements.ShouldBe(0, "judged by the map_to mapping, as validate judges, they agree");
        byPolicy.PolicyMapped.ShouldBe(unknown);
    }

    [Fact]
    public async Task AddToLookup_InsertsTheNewCodesFirst_ThenMapsEveryRowToItsNormalizedValue()
    {
        await _db.ResetAsync();
        var before = await _db.InvariantsAsync();

        var target = ExpandedLedger.Target with { Unmapped = new UnmappedPolicy(UnmappedAction.AddToLookup) };
        var outcome = await _db.Backfill().RunAsync(new BackfillRequest("unmapped-add", target, ExpandedLedger.SmallBatches()), [], null, CancellationToken.None);

        outcome.ShouldBeOfType<BackfillCompleted>();
        (await _db.ScalarAsync<long>("SELECT count(*) FROM transaction_state WHERE code IN ('pending_review', 'hold')")).ShouldBe(2);
        var after = await _db.InvariantsAsync();
        after.SameMoneyAs(before).ShouldBeTrue();
        after.StateMissing.ShouldBe(0);
        after.StatusStateDisagreements.ShouldBe(0);
    }

    [Fact]
    public async Task AddToLookup_ValueWrittenAfterThePreflight_AddsItsCodeAndRunsTheBatchAgain()
    {
        // Given a backfill under add_to_lookup whose pre-flight has run, and then a value no lookup holds written into the last row
        await _db.ResetAsync();
        var before = await _db.InvariantsAsync();
        var last = await _db.ScalarAsync<long>("SELECT max(id) FROM transactions");
        var original = await _db.ScalarAsync<string>($"SELECT status FROM transactions WHERE id = {last}");
        var lateWrite = new OnFirstBatch(() => _db.ExecuteAsync($"BEGIN; SET LOCAL switchyard.role = 'backfill'; UPDATE transactions SET status = 'late_arrival' WHERE id = {last}; COMMIT;"));
        try
        {
            // When the batches reach it
            var target = ExpandedLedger.Target with { Unmapped = new UnmappedPolicy(UnmappedAction.AddToLookup) };
            var outcome = await _db.Backfill().RunAsync(new BackfillRequest("unmapped-late", target, ExpandedLedger.SmallBatches()), [lateWrite], null, CancellationToken.None);

            // Then the batch that met it added its code, journaled that, ran again and the run completed with every row mapped
            outcome.ShouldBeOfType<BackfillCompleted>();
            lateWrite.Ran.ShouldBeTrue();
            (await _db.ScalarAsync<string>($"SELECT s.code FROM transactions t JOIN transaction_state s ON s.id = t.state_id WHERE t.id = {last}")).ShouldBe("late_arrival");
            (await _db.ScalarAsync<long>("SELECT count(*) FROM switchyard.events WHERE kind = 'backfill.codes_added' AND message LIKE '%late_arrival%'")).ShouldBe(1);
            var after = await _db.InvariantsAsync();
            after.StateMissing.ShouldBe(0);
            after.StatusStateDisagreements.ShouldBe(0);
        }
        finally
        {
            await _db.ExecuteAsync($"BEGIN; SET LOCAL switchyard.role = 'backfill'; UPDATE transactions SET status = '{original}' WHERE id = {last}; COMMIT;");
        }
        // and, the test's own write undone, no money moved
        (await _db.InvariantsAsync()).SameMoneyAs(before).ShouldBeTrue();
    }

    [Fact]
    public async Task AddToLookup_ValuesOfUnicodeWhitespace_AreTrimmedNotAddedAndAnEmptyCodeIsRefused()
    {
        // Given one row whose status is a tab and no-break spaces around a code, and one that is only Unicode whitespace
        await _db.ResetAsync();
        var (padded, blank) = (await _db.ScalarAsync<long>("SELECT min(id) FROM transactions WHERE status = 'settled'"), await _db.ScalarAsync<long>("SELECT max(id) FROM transactions WHERE status = 'settled'"));
        // (as the backfill role, which the dual-write trigger lets through)
        await _db.ExecuteAsync($"BEGIN; SET LOCAL switchyard.role = 'backfill'; UPDATE transactions SET status = E'\\tsettled\\u00a0' WHERE id = {padded}; UPDATE transactions SET status = E'\\u00a0\\u3000 ' WHERE id = {blank}; COMMIT;");
        var lookupBefore = await _db.ScalarAsync<long>("SELECT count(*) FROM transaction_state");
        try
        {
            // When the backfill runs under add_to_lookup
            var target = ExpandedLedger.Target with { Unmapped = new UnmappedPolicy(UnmappedAction.AddToLookup) };
            var refused = await Should.ThrowAsync<Switchyard.Core.SwitchyardException>(() =>
                _db.Backfill().RunAsync(new BackfillRequest("unmapped-junk", target, ExpandedLedger.SmallBatches()), [], null, CancellationToken.None));

            // Then the empty code is refused with a clear message and no junk code reached the lookup
            refused.Message.ShouldContain("normalizes to an empty code; add_to_lookup does not add it");
            (await _db.ScalarAsync<long>("SELECT count(*) FROM transaction_state WHERE code = '' OR code ~ '[[:space:]]' OR code <> btrim(code, E'\\u00a0')")).ShouldBe(0);
            (await _db.ScalarAsync<long>("SELECT count(*) FROM transaction_state")).ShouldBe(lookupBefore);

            // And with the blank row gone, the padded one maps to its code
            await _db.ExecuteAsync($"UPDATE transactions SET status = 'settled' WHERE id = {blank}");
            var outcome = await _db.Backfill().RunAsync(new BackfillRequest("unmapped-junk-2", target, ExpandedLedger.SmallBatches()), [], null, CancellationToken.None);
            outcome.ShouldBeOfType<BackfillCompleted>();
            (await _db.ScalarAsync<string>($"SELECT s.code FROM transactions t JOIN transaction_state s ON s.id = t.state_id WHERE t.id = {padded}")).ShouldBe("settled");
        }
        finally
        {
            await _db.ExecuteAsync($"BEGIN; SET LOCAL switchyard.role = 'backfill'; UPDATE transactions SET status = 'settled' WHERE id IN ({padded}, {blank}); COMMIT;");
        }
    }

    /// <summary>Runs a write once, before the first batch of any worker (after the run's pre-flight); the others wait for it.</summary>
    private sealed class OnFirstBatch(Func<Task> write) : IBackfillThrottle
    {
        private readonly SemaphoreSlim _once = new(1, 1);
        public bool Ran { get; private set; }

        public async ValueTask<ThrottleDecision> BeforeBatchAsync(BatchContext batch, CancellationToken ct)
        {
            await _once.WaitAsync(ct);
            try
            {
                if (!Ran) await write();
                Ran = true;
            }
            finally
            {
                _once.Release();
            }
            return ThrottleDecision.Proceed;
        }
    }
}
