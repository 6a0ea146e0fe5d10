using Switchyard.Core.Validation;
using Switchyard.Samples.Ledger.Validation;

namespace Switchyard.IntegrationTests.Validation;

/// <summary>The suite against a ledger after Validate: every catalog expectation of that phase applies.</summary>
public sealed class ValidatedShapeTests : IClassFixture<ValidatedLedger>
{
    private readonly ValidatedLedger _db;

    public ValidatedShapeTests(ValidatedLedger db) => _db = db;

    [Fact]
    public async Task CleanValidatedLedger_EveryCheckPasses_AndOnlyTheCompatViewIsNotApplicable()
    {
        // When
        var report = await _db.Suite().RunAsync(null, false, CancellationToken.None);

        // Then
        report.FailingChecks.ShouldBeEmpty(string.Join("\n", report.Results.Select(r => $"{r.Check}: {r.Detail}")));
        var catalog = report.Results.Single(r => r.Check == "catalog");
        catalog.Findings.Where(f => f.Note!.StartsWith("n/a", StringComparison.Ordinal)).Select(f => f.Key).ShouldBe(["compat_view_columns"]);
        catalog.RowsExamined.ShouldBe(9);
    }

    [Fact]
    public async Task FailedConcurrentIndexBuild_LeavesInvalidIndex_CatalogFailsNamingIt()
    {
        // Given the valid index gone and a CONCURRENTLY build that failed half-way (duplicates), leaving an INVALID index
        await _db.ExecuteAsync("DROP INDEX transactions_state_id_idx");
        await _db.ExecuteAsync("DROP INDEX transactions_state_id_status_idx");
        await Should.ThrowAsync<Npgsql.PostgresException>(() => _db.ExecuteAsync("CREATE UNIQUE INDEX CONCURRENTLY transactions_state_id_broken ON transactions (state_id)"));
        try
        {
            // When
            var result = await _db.CheckAsync("catalog");

            // Then
            result.Outcome.ShouldBe(CheckOutcome.Failed);
            result.SampleKeys.ShouldBe(["target_index_valid"]);
            result.Detail.ShouldContain("transactions_state_id_broken is INVALID");
        }
        finally
        {
            await _db.ExecuteAsync("DROP INDEX IF EXISTS transactions_state_id_broken");
            await _db.ExecuteAsync("CREATE INDEX transactions_state_id_idx ON transactions (state_id)");
            await _db.ExecuteAsync("CREATE INDEX transactions_state_id_status_idx ON transactions (state_id, status)");
        }
    }
}

/// <summary>The suite after Contract: the legacy column is gone, so the legacy way reads the compat view.</summary>
public sealed class ContractedShapeTests : IClassFixture<ContractedLedger>
{
    private readonly ContractedLedger _db;

    public ContractedShapeTests(ContractedLedger db) => _db = db;

    [Fact]
    public async Task AfterContract_LegacyChecksReadTheCompatView_AndEverythingPasses()
    {
        // When
        var report = await _db.Suite().RunAsync(null, false, CancellationToken.None);

        // Then
        report.FailingChecks.ShouldBeEmpty(string.Join("\n", report.Results.Select(r => $"{r.Check}: {r.Detail}")));
        report.Results.ShouldAllBe(r => r.Outcome == CheckOutcome.Passed);
        report.Results.Single(r => r.Check == "mismatch").Detail.ShouldContain($"compat view public.{MigratedLedgerShape.CompatView}");
        report.Results.Single(r => r.Check == "downstream").RowsExamined.ShouldBe(20_000);
        var catalog = report.Results.Single(r => r.Check == "catalog");
        catalog.Findings.Single(f => f.Key == "source_column").Note.ShouldBe("ok: status dropped");
        catalog.Findings.Single(f => f.Key == "dual_write_trigger").Note!.ShouldStartWith("n/a");
    }

    [Fact]
    public async Task AfterContract_WithoutCompatView_LegacyChecksAreNotApplicableAndCatalogFails()
    {
        // Given
        var definition = await _db.ScalarAsync<string>($"SELECT pg_get_viewdef('{MigratedLedgerShape.CompatView}'::regclass)");
        await _db.ExecuteAsync($"DROP VIEW {MigratedLedgerShape.CompatView}");
        try
        {
            // When
            var report = await _db.Suite().RunAsync(null, false, CancellationToken.None);

            // Then
            var byName = report.Results.ToDictionary(r => r.Check);
            foreach (var check in new[] { "mismatch", "counts", "reconciliation", "downstream", "sampling" })
            {
                byName[check].Outcome.ShouldBe(CheckOutcome.NotApplicable, check);
                byName[check].Detail.ShouldBe("public.transactions.status is dropped and no compat view exposes it");
            }
            byName["completeness"].Outcome.ShouldBe(CheckOutcome.Passed);
            byName["orphans"].Outcome.ShouldBe(CheckOutcome.Passed);
            byName["catalog"].SampleKeys.ShouldBe(["compat_view_columns"]);
            report.FailingChecks.ShouldBe(["catalog"]);
        }
        finally
        {
            await _db.ExecuteAsync($"CREATE VIEW {MigratedLedgerShape.CompatView} AS {definition}");
        }
    }

    [Fact]
    public async Task CompatViewMissingAColumn_CatalogNamesIt()
    {
        // Given a compat view that lost the currency column old readers use
        var definition = await _db.ScalarAsync<string>($"SELECT pg_get_viewdef('{MigratedLedgerShape.CompatView}'::regclass)");
        await _db.ExecuteAsync($"DROP VIEW {MigratedLedgerShape.CompatView}");
        await _db.ExecuteAsync($"CREATE VIEW {MigratedLedgerShape.CompatView} AS SELECT x.id, x.account_id, x.amount_minor, x.created_at, l.code AS status FROM transactions x JOIN transaction_state l ON l.id = x.state_id");
        try
        {
            var result = await _db.CheckAsync("catalog");

            result.Outcome.ShouldBe(CheckOutcome.Failed);
            result.SampleKeys.ShouldBe(["compat_view_columns"]);
            result.Detail.ShouldContain("missing column currency");
        }
        finally
        {
            await _db.ExecuteAsync($"DROP VIEW {MigratedLedgerShape.CompatView}");
            await _db.ExecuteAsync($"CREATE VIEW {MigratedLedgerShape.CompatView} AS {definition}");
        }
    }
}
