using Switchyard.Core.Operations;
using Switchyard.Core.Validation;
using Switchyard.Samples.Ledger.Validation;
using Switchyard.Samples.Ledger.Schema;

namespace Switchyard.IntegrationTests.Validation;

/// <summary>
/// Each test plants one kind of defect in a backfilled ledger, shows the matching check fails with the right count and
/// sample keys, then repairs it; the ledger's money invariants are the same afterwards.
/// </summary>
public sealed class PlantedDefectTests : IClassFixture<MigratedLedger>, IAsyncLifetime
{
    private readonly MigratedLedger _db;
    private Samples.Ledger.Invariants.LedgerInvariants _before = null!;

    public PlantedDefectTests(MigratedLedger db) => _db = db;

    public async Task InitializeAsync() => _before = await _db.InvariantsAsync();

    /// <summary>How the mismatch check reads the table: heap page chunks, one parallel heap pass, or the pair index.</summary>
    public enum Read { PageChunks, SinglePass, PairIndex }

    private const string PairIndex = "transactions_state_id_status_idx";

    /// <summary>The options for <paramref name="read"/>; the pair index exists only for <see cref="Read.PairIndex"/> (dropped after each test).</summary>
    private async Task<ValidationOptions> ReadingAsync(Read read)
    {
        if (read == Read.PairIndex) await _db.ExecuteAsync($"CREATE INDEX IF NOT EXISTS {PairIndex} ON transactions (state_id, status)");
        return _db.Options(singlePass: read != Read.PageChunks) with { MismatchFromPairIndex = read == Read.PairIndex };
    }

    public async Task DisposeAsync()
    {
        await _db.ExecuteAsync($"DROP INDEX IF EXISTS {PairIndex}");
        var after = await _db.InvariantsAsync();
        after.SameMoneyAs(_before).ShouldBeTrue($"before: {_before}\nafter: {after}");
        after.StateMissing.ShouldBe(0);
        after.StatusStateDisagreements.ShouldBe(0);
    }

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
    public async Task ChangedAmount_ReconciliationFailsAgainstTheBaseline_NamingTheAccount()
    {
        // Given a baseline recorded on clean data, then one amount changed by one cent
        var scope = await _db.Suite().ScopeAsync(CancellationToken.None);
        (await ReconciliationBaseline.RecordAsync(scope, CancellationToken.None)).ShouldBeGreaterThan(50);
        (await _db.CheckAsync("reconciliation")).Outcome.ShouldBe(CheckOutcome.Passed);
        var (id, account) = (await _db.ScalarAsync<long>("SELECT id FROM transactions ORDER BY id LIMIT 1 OFFSET 777"),
            await _db.ScalarAsync<long>("SELECT account_id FROM transactions ORDER BY id LIMIT 1 OFFSET 777"));
        await _db.ExecuteAsync($"UPDATE transactions SET amount_minor = amount_minor + 1 WHERE id = {id}");
        try
        {
            // When
            var result = await _db.CheckAsync("reconciliation");

            // Then
            result.Outcome.ShouldBe(CheckOutcome.Failed);
            result.Failures.ShouldBe(1);
            result.SampleKeys.ShouldBe([$"account_id={account}"]);
            result.Findings.Single().Note!.ShouldContain("baseline");
            result.RowsExamined.ShouldBe(20_000);
        }
        finally
        {
            await _db.ExecuteAsync($"UPDATE transactions SET amount_minor = amount_minor - 1 WHERE id = {id}");
            await _db.ExecuteAsync("DELETE FROM switchyard.validation_baseline");
        }
    }

    [Theory]
    [InlineData(Read.PageChunks)]
    [InlineData(Read.PairIndex)]
    public async Task UnmappedValueStoredAsTheMapToCode_PassesUnderMapTo_AndIsADefectUnderFail(Read read)
    {
        // Given a declined row whose status now maps to no code, still stored with the 'declined' id
        var id = await _db.ScalarAsync<long>("SELECT id FROM transactions WHERE status = 'declined' ORDER BY id LIMIT 1 OFFSET 7");
        await _db.ExecuteAsync($"UPDATE transactions SET status = 'on_hold' WHERE id = {id}");
        await _db.ExecuteAsync($"UPDATE transactions SET state_id = (SELECT id FROM transaction_state WHERE code = 'declined') WHERE id = {id}");
        // The map_to code lives in the alias table, as Expand writes it for that policy (the shape was built under fail).
        await _db.ExecuteAsync("INSERT INTO transaction_state_aliases (alias, code) VALUES (NULL, 'declined')");
        try
        {
            // When the suite runs under map_to: declined, and under the flagship's fail policy
            var options = await ReadingAsync(read);
            var mapTo = new ValidationSuite(_db.Runner(), LedgerFlagship.Target(new UnmappedPolicy(UnmappedAction.MapTo, "declined")),
                LedgerFlagship.Reconciliation(), options);
            var underMapTo = await mapTo.RunAsync(["mismatch", "counts", "reconciliation", "downstream"], false, CancellationToken.None);
            var underFail = await _db.Suite(options).RunAsync(["mismatch", "reconciliation", "downstream"], false, CancellationToken.None);

            // Then map_to labels 'on_hold' as declined everywhere; fail counts the row as a mismatch and its money as unlabeled
            underMapTo.FailingChecks.ShouldBeEmpty(string.Join("\n", underMapTo.Results.Select(r => $"{r.Check}: {r.Detail}")));
            underFail.FailingChecks.ShouldBe(["mismatch", "reconciliation", "downstream"]);
            var mismatch = underFail.Results.Single(r => r.Check == "mismatch");
            mismatch.Failures.ShouldBe(1);
            mismatch.SampleKeys.ShouldBe([$"id={id}"]);
            underFail.Results.Single(r => r.Check == "reconciliation").Findings.Select(f => f.Key).ShouldContain("Σ on_hold");
        }
        finally
        {
            await _db.ExecuteAsync("DELETE FROM transaction_state_aliases WHERE alias IS NULL");
            await _db.ExecuteAsync($"UPDATE transactions SET status = 'declined' WHERE id = {id}");
        }
    }

    [Fact]
    public async Task WrongStateId_ReconciliationFails_OnTheAccountBalanceAndTheSumsByCode()
    {
        // Given one captured row (held) pointing at 'settled'
        var id = await _db.ScalarAsync<long>("SELECT id FROM transactions WHERE status = 'captured' ORDER BY id LIMIT 1 OFFSET 10");
        var account = await _db.ScalarAsync<long>($"SELECT account_id FROM transactions WHERE id = {id}");
        var amount = await _db.ScalarAsync<long>($"SELECT amount_minor FROM transactions WHERE id = {id}");
        await _db.ExecuteAsync($"UPDATE transactions SET state_id = 3 WHERE id = {id}");
        try
        {
            // When
            var result = await _db.CheckAsync("reconciliation");

            // Then: the account's held and settled differ by the amount; Σ captured and Σ settled differ
            result.Outcome.ShouldBe(CheckOutcome.Failed);
            var balance = result.Findings.Single(f => f.Key == $"account_id={account}");
            balance.Note.ShouldBe($"held legacy−new {amount}, settled legacy−new {-amount}");
            result.Findings.Select(f => f.Key).ShouldBe([$"account_id={account}", "Σ captured", "Σ settled"], ignoreOrder: true);
            result.Failures.ShouldBe(3);
        }
        finally
        {
            await Repair(id);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RowMissingFromOneWindow_CountsFails_NamingThatDayAndCode(bool singlePass)
    {
        // Given one settled row whose state was lost
        var id = await _db.ScalarAsync<long>("SELECT id FROM transactions WHERE status = 'settled' ORDER BY id LIMIT 1 OFFSET 5000");
        var day = await _db.ScalarAsync<string>($"SELECT (created_at AT TIME ZONE 'UTC')::date::text FROM transactions WHERE id = {id}");
        var legacyCount = await _db.ScalarAsync<long>($"SELECT count(*) FROM transactions WHERE (created_at AT TIME ZONE 'UTC')::date = '{day}' AND lower(btrim(status)) IN ('settled', 'setled')");
        await _db.ExecuteAsync($"UPDATE transactions SET state_id = NULL WHERE id = {id}");
        try
        {
            // When
            var result = await _db.CheckAsync("counts", _db.Options(singlePass: singlePass));

            // Then
            result.Outcome.ShouldBe(CheckOutcome.Failed);
            result.Failures.ShouldBe(1);
            result.SampleKeys.ShouldBe([$"{day}/settled"]);
            result.Findings.Single().Note.ShouldBe($"legacy {legacyCount} vs new {legacyCount - 1}");
        }
        finally
        {
            await Repair(id);
        }
    }

    [Fact]
    public async Task ReportLineDiffers_DownstreamFails_WithTheLinesFromBothSides()
    {
        // Given one settled EUR row read as 'declined' by the new shape
        var id = await _db.ScalarAsync<long>("SELECT id FROM transactions WHERE status = 'settled' AND currency = 'EUR' ORDER BY id LIMIT 1 OFFSET 42");
        var day = await _db.ScalarAsync<string>($"SELECT (created_at AT TIME ZONE 'UTC')::date::text FROM transactions WHERE id = {id}");
        await _db.ExecuteAsync($"UPDATE transactions SET state_id = 5 WHERE id = {id}");
        try
        {
            // When
            var result = await _db.CheckAsync("downstream");

            // Then: the settled line differs both ways, and so does (or appears) the declined line — nothing else
            result.Outcome.ShouldBe(CheckOutcome.Failed);
            var keys = result.Findings.Select(f => f.Key).ToList();
            keys.ShouldContain(k => k.StartsWith($"legacy_only ({day},EUR,settled,", StringComparison.Ordinal));
            keys.ShouldContain(k => k.StartsWith($"new_only ({day},EUR,settled,", StringComparison.Ordinal));
            keys.ShouldContain(k => k.StartsWith($"new_only ({day},EUR,declined,", StringComparison.Ordinal));
            keys.ShouldAllBe(k => k.Contains($"({day},EUR,"));
            result.Failures.ShouldBe(keys.Count);
            result.Failures.ShouldBeInRange(3, 4);
        }
        finally
        {
            await Repair(id);
        }
    }

    [Fact]
    public async Task DisabledTrigger_CatalogFails_OnlyOnThatExpectation()
    {
        await _db.ExecuteAsync($"ALTER TABLE transactions DISABLE TRIGGER {MigratedLedgerShape.TriggerName}");
        try
        {
            var result = await _db.CheckAsync("catalog");

            result.Outcome.ShouldBe(CheckOutcome.Failed);
            result.SampleKeys.ShouldBe(["dual_write_trigger"]);
        }
        finally
        {
            await _db.ExecuteAsync($"ALTER TABLE transactions ENABLE TRIGGER {MigratedLedgerShape.TriggerName}");
        }
    }

    [Fact]
    public async Task BackfilledShapeJudgedAsValidated_CatalogNamesTheMissingValidateSteps()
    {
        // Given a backfilled table (FK NOT VALID, no index, nullable), When judged as if Validate had completed
        var asBackfilled = await _db.CheckAsync("catalog");
        var asValidated = await _db.CheckAsync("catalog", _db.Options(MigrationShape.Validated));

        // Then
        asBackfilled.Outcome.ShouldBe(CheckOutcome.Passed);
        asBackfilled.Findings.Where(f => f.Note!.StartsWith("n/a", StringComparison.Ordinal)).Select(f => f.Key)
            .ShouldBe(["foreign_key_validated", "target_index_valid", "target_not_null", "compat_view_columns"], ignoreOrder: true);
        asValidated.Outcome.ShouldBe(CheckOutcome.Failed);
        asValidated.SampleKeys.ShouldBe(["foreign_key_validated", "target_index_valid", "target_not_null"]);
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

    [Fact]
    public async Task DefaultSample_ReportsItsSizeAndPasses()
    {
        var result = await _db.CheckAsync("sampling", _db.Options() with { SampleRows = 2_000 });

        result.Outcome.ShouldBe(CheckOutcome.Passed);
        result.RowsExamined.ShouldBeInRange(1, 19_999);
        // The percent is derived from reltuples (~20,000, but autovacuum's ANALYZE may have moved it slightly): about 10%.
        var match = System.Text.RegularExpressions.Regex.Match(result.Detail, @"^sample of (\d+) rows \(TABLESAMPLE SYSTEM ([0-9.]+)% of");
        match.Success.ShouldBeTrue(result.Detail);
        long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture).ShouldBe(result.RowsExamined);
        double.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture).ShouldBeInRange(9.0, 11.0);
    }

    private async Task<List<long>> Ids(string sql)
    {
        var ids = new List<long>();
        await using var cmd = _db.DataSource.CreateCommand(sql);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) ids.Add(reader.GetInt64(0));
        return ids;
    }

    private Task Repair(params IEnumerable<long> ids) => _db.ExecuteAsync($"""
        UPDATE transactions t SET state_id = l.id FROM transaction_state l
        WHERE t.id IN ({string.Join(",", ids)}) AND l.code = {_db.Target.CodeSql("t.status")}
        """);
}
