using Switchyard.Core.Operations;
using Switchyard.Core.Operations.NormalizeColumn;
using Switchyard.Core.Validation;
using Switchyard.Samples.Ledger.Schema;
using Switchyard.Samples.Ledger.Validation;

namespace Switchyard.IntegrationTests.Validation;

/// <summary>
/// Each test plants one defect that shows in sums, windows, reports or the catalog (a changed amount, a missing row, a
/// differing report line, a disabled trigger) and shows the matching check fails naming it, then repairs it.
/// </summary>
public sealed class PlantedAggregateDefectTests(MigratedLedger db) : PlantedDefectScenario(db), IClassFixture<MigratedLedger>
{
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
}
