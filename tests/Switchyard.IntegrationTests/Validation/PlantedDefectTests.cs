using Switchyard.Core.Validation;

namespace Switchyard.IntegrationTests.Validation;

/// <summary>
/// Each test plants one defect in a row of a backfilled ledger (a missing or wrong state_id, a dropped lookup row) and shows
/// the row checks (completeness, mismatch, orphans) fail with the right count and sample keys, then repairs it.
/// </summary>
public sealed class PlantedDefectTests(MigratedLedger db) : PlantedDefectScenario(db), IClassFixture<MigratedLedger>
{
    [Fact]
    public async Task CleanBackfilledLedger_EveryCheckPasses_InSeveralChunks()
    {
        // When
        var report = await _db.Suite().RunAsync(null, true, CancellationToken.None);

        // Then
        report.FailingChecks.ShouldBeEmpty(string.Join("\n", report.Results.Select(r => $"{r.Check}: {r.Detail}")));
        report.Passed.ShouldBeTrue();
        report.Results.Select(r => r.Check).ShouldBe(ValidationSuite.AllChecks.Select(c => c.Name));
        report.SeqScanRows.ShouldBe(20_000);
        var mismatch = report.Results.Single(r => r.Check == "mismatch");
        mismatch.RowsExamined.ShouldBe(20_000);
        mismatch.Detail.ShouldMatch(@"in ([2-9]|\d{2,}) page chunks");
        (await _db.Suite().ScopeAsync(CancellationToken.None)).Facts.HeapBytes.ShouldBe(await _db.ScalarAsync<long>("SELECT pg_relation_size('transactions')"));
        report.Results.Single(r => r.Check == "completeness").RowsExamined.ShouldBe(20_000);
        report.Results.Single(r => r.Check == "downstream").RowsExamined.ShouldBe(20_000);
        report.Results.Single(r => r.Check == "reconciliation").RowsExamined.ShouldBe(20_000);
        report.Results.Single(r => r.Check == "catalog").Outcome.ShouldBe(CheckOutcome.Passed);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StateIdNull_CompletenessFails_NamingTheRowItsDayAndHour(bool singlePass)
    {
        // Given one row of the newest day without a state
        var id = await _db.ScalarAsync<long>("SELECT id FROM transactions ORDER BY created_at DESC LIMIT 1 OFFSET 3");
        var hour = await _db.ScalarAsync<string>($"SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24') FROM transactions WHERE id = {id}");
        await _db.ExecuteAsync($"UPDATE transactions SET state_id = NULL WHERE id = {id}");
        try
        {
            // When
            var result = await _db.CheckAsync("completeness", _db.Options(singlePass: singlePass));

            // Then
            result.Outcome.ShouldBe(CheckOutcome.Failed);
            result.Failures.ShouldBe(1);
            result.SampleKeys.ShouldBe([$"id={id}"]);
            result.Findings.Select(f => f.Key).ShouldBe([$"day {hour![..10]}", $"hour {hour}"]);
            result.Findings.ShouldAllBe(f => f.Failures == 1);
        }
        finally
        {
            await Repair(id);
        }
    }

    [Fact]
    public async Task CleanBackfilledLedger_OnePassChecks_ReadEveryRowAndPass()
    {
        // When the table is within the single-pass limit
        var results = (await _db.Suite(_db.Options(singlePass: true)).RunAsync(["completeness", "orphans", "mismatch", "counts"], false, CancellationToken.None)).Results;

        // Then
        results.ShouldAllBe(r => r.Outcome == CheckOutcome.Passed, string.Join("\n", results.Select(r => $"{r.Check}: {r.Detail}")));
        results.ShouldAllBe(r => r.RowsExamined == 20_000);
        results.Single(r => r.Check == "mismatch").Detail.ShouldEndWith("in 1 parallel pass");
    }

    [Theory]
    [InlineData(Read.PageChunks)]
    [InlineData(Read.SinglePass)]
    [InlineData(Read.PairIndex)]
    public async Task WrongStateId_MismatchFails_WithCountAndKeys(Read read)
    {
        // Given two settled rows pointing at 'refunded'
        var ids = await Ids("SELECT id FROM transactions WHERE status = 'settled' ORDER BY id LIMIT 2 OFFSET 100");
        await _db.ExecuteAsync($"UPDATE transactions SET state_id = (SELECT id FROM transaction_state WHERE code = 'refunded') WHERE id IN ({string.Join(",", ids)})");
        try
        {
            // When
            var result = await _db.CheckAsync("mismatch", await ReadingAsync(read));

            // Then
            result.Outcome.ShouldBe(CheckOutcome.Failed);
            result.Failures.ShouldBe(2);
            result.RowsExamined.ShouldBe(20_000);
            result.SampleKeys.ShouldBe(ids.Select(i => $"id={i}"));
            result.Detail.ShouldContain("\"settled\"→4");
            result.Detail.ShouldContain(read == Read.PairIndex ? $"of index {PairIndex} (skip scan)" : read == Read.SinglePass ? "in 1 parallel pass" : "page chunks");
            (await _db.CheckAsync("sampling", _db.Options() with { SamplePercent = 100 })).Failures.ShouldBe(2);
        }
        finally
        {
            await Repair(ids);
        }
    }

    [Theory]
    [InlineData(Read.PageChunks)]
    [InlineData(Read.SinglePass)]
    [InlineData(Read.PairIndex)]
    public async Task DirtyLegacyValueWithWrongId_MismatchFails_WhileDirtyValuesWithRightIdsPass(Read read)
    {
        // Given a row with stray case/whitespace and a row with a known typo, both pointing at 'voided'
        var dirty = await _db.ScalarAsync<long>("SELECT id FROM transactions WHERE status <> lower(btrim(status)) AND lower(btrim(status)) <> 'voided' ORDER BY id LIMIT 1");
        var typo = await _db.ScalarAsync<long>("SELECT id FROM transactions WHERE status IN ('setled', 'captrued', 'auth') ORDER BY id LIMIT 1");
        var options = await ReadingAsync(read);
        (await _db.CheckAsync("mismatch", options)).Outcome.ShouldBe(CheckOutcome.Passed);
        await _db.ExecuteAsync($"UPDATE transactions SET state_id = 6 WHERE id IN ({dirty}, {typo})");
        try
        {
            // When
            var result = await _db.CheckAsync("mismatch", options);

            // Then
            result.Failures.ShouldBe(2);
            result.SampleKeys.ShouldBe(new[] { dirty, typo }.Order().Select(i => $"id={i}"));
        }
        finally
        {
            await Repair(dirty, typo);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DroppedLookupRowWithoutForeignKey_OrphansFails_CountingEveryRowOfThatId(bool singlePass)
    {
        // Given no foreign key, and the 'voided' lookup row deleted
        var expected = await _db.ScalarAsync<long>("SELECT count(*) FROM transactions WHERE state_id = 6");
        var firstIds = await Ids("SELECT id FROM transactions WHERE state_id = 6 ORDER BY id LIMIT 5");
        await _db.ExecuteAsync("ALTER TABLE transactions DROP CONSTRAINT transactions_state_id_fkey");
        await _db.ExecuteAsync("DELETE FROM transaction_state WHERE id = 6");
        try
        {
            // When
            var result = await _db.CheckAsync("orphans", _db.Options(singlePass: singlePass));
            var catalog = await _db.CheckAsync("catalog");

            // Then
            expected.ShouldBeGreaterThan(5);
            result.Outcome.ShouldBe(CheckOutcome.Failed);
            result.Failures.ShouldBe(expected);
            result.SampleKeys.ShouldBe(firstIds.Select(i => $"id={i}"));
            result.Detail.ShouldContain("no foreign key to the lookup table");
            catalog.SampleKeys.ShouldBe(["lookup_codes", "foreign_key"]);
        }
        finally
        {
            await _db.ExecuteAsync("INSERT INTO transaction_state (id, code) VALUES (6, 'voided')");
            await _db.ExecuteAsync("ALTER TABLE transactions ADD CONSTRAINT transactions_state_id_fkey FOREIGN KEY (state_id) REFERENCES transaction_state (id) NOT VALID");
        }
    }

    [Fact]
    public async Task CleanBackfilledLedger_PairIndex_ProvesEveryRowFromItsDistinctPairs()
    {
        // Given the pair index on the clean ledger
        var options = await ReadingAsync(Read.PairIndex);
        var distinct = await _db.ScalarAsync<long>("SELECT count(*) FROM (SELECT DISTINCT state_id, status FROM transactions) d");

        // When
        var result = await _db.CheckAsync("mismatch", options);

        // Then every row is counted once, and each distinct (status, state_id) pair was judged
        result.Outcome.ShouldBe(CheckOutcome.Passed, result.Detail);
        result.RowsExamined.ShouldBe(20_000);
        result.Detail.ShouldEndWith($"in {distinct} distinct (value, id) pairs of index {PairIndex} (skip scan)");
        distinct.ShouldBeGreaterThan(7);
    }

    [Theory]
    [InlineData(Read.PageChunks)]
    [InlineData(Read.SinglePass)]
    [InlineData(Read.PairIndex)]
    public async Task RowWithoutStateYet_IsNotExaminedByMismatch(Read read)
    {
        // Given one row the backfill has not reached (no state_id), with a status that maps to nothing
        var id = await _db.ScalarAsync<long>("SELECT id FROM transactions ORDER BY id LIMIT 1 OFFSET 42");
        await _db.ExecuteAsync($"UPDATE transactions SET state_id = NULL WHERE id = {id}");
        try
        {
            // When
            var result = await _db.CheckAsync("mismatch", await ReadingAsync(read));

            // Then it is left to completeness: not examined, not a mismatch
            result.Outcome.ShouldBe(CheckOutcome.Passed, result.Detail);
            result.RowsExamined.ShouldBe(19_999);
        }
        finally
        {
            await Repair(id);
        }
    }
}
