using Switchyard.Core.Execution;
using Switchyard.Core.Spec;
using Switchyard.Core.Validation;
using Switchyard.Samples.Ledger.Schema;

namespace Switchyard.Core.Tests.Spec;

public sealed class SpecValidationTests
{
    private const string Normalize = """
        migration: x
        operations:
          - normalize_column:
              table: orders
              column: status
              target_column: status_id
              lookup: { table: order_status, codes: [new, paid, shipped] }

        """;

    [Fact]
    public void LoadFile_FlagshipValidationSection_IsTheLedgersMoney()
    {
        var settings = SpecLoader.LoadFile(SpecLoaderTests.FlagshipPath()).Validation.ShouldNotBeNull();
        var ledger = LedgerFlagship.Reconciliation();

        settings.TimeColumn.ShouldBe(ledger.TimeColumn);
        settings.AmountColumn.ShouldBe(ledger.AmountColumn);
        settings.BalanceGroupColumn.ShouldBe(ledger.BalanceGroupColumn);
        settings.BalanceBuckets.Select(b => $"{b.Name}:{string.Join('+', b.Codes)}").ShouldBe(ledger.BalanceBuckets.Select(b => $"{b.Name}:{string.Join('+', b.Codes)}"));
        settings.ChildTables.ShouldBe(ledger.ChildTables);
        settings.ReportColumns.ShouldBe(ledger.ReportColumns);
    }

    [Fact]
    public void Load_AnotherTablesColumns_AreReadAndUnnamedOnesKeepTheDefaults()
    {
        var spec = SpecLoader.Load(Normalize + """
            validation:
              time_column: placed_at
              amount_column: total_cents
              balances: { open: [new, paid] }
              child_tables: [{ table: refunds, key: order_id, amount: cents }]
            """, "orders.yaml");

        var v = spec.Validation.ShouldNotBeNull();
        v.TimeColumn.ShouldBe("placed_at");
        v.AmountColumn.ShouldBe("total_cents");
        v.BalanceGroupColumn.ShouldBe(new ReconciliationSettings().BalanceGroupColumn);
        v.BalanceBuckets.Single().Codes.ShouldBe(["new", "paid"]);
        v.ChildTables.ShouldBe([new ChildTable(new QualifiedName("public", "refunds"), "order_id", "cents")]);
        v.ReportColumns.ShouldBeEmpty();
    }

    [Fact]
    public void Load_ValidationThresholds_NameChecksAndWholeNumbersOfFailures()
    {
        var spec = SpecLoader.Load(Normalize + "validation:\n  thresholds: { sampling: 3, mismatch: 0 }\n", "orders.yaml");

        spec.ValidationThresholds.ShouldBe(new Dictionary<string, long> { ["sampling"] = 3, ["mismatch"] = 0 });
        SpecLoader.Load(Normalize, "orders.yaml").ValidationThresholds.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("validation:\n  thresholds: { mismatches: 1 }\n", "orders.yaml:9:17", "unknown check 'mismatches'")]
    [InlineData("validation:\n  thresholds: { mismatch: -1 }\n", "orders.yaml:9:27", "whole number of failures")]
    [InlineData("validation:\n  balances: { open: [new, lost] }\n", "orders.yaml:9:27", "code 'lost', which is not one of the lookup codes")]
    [InlineData("validation:\n  amount: total_cents\n", "orders.yaml:9:3", "unknown key 'amount'")]
    [InlineData("validation:\n  child_tables: { table: refunds }\n", "orders.yaml:9:17", "'child_tables' must be a list")]
    public void Load_BadValidationSection_NamesFileLineColAndHowToFix(string section, string where, string what) =>
        SpecErrors.ShouldFailAt(Normalize + section, "orders.yaml", where, what);
}
