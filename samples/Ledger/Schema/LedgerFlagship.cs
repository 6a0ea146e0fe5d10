using Switchyard.Core.Execution;
using Switchyard.Core.Operations;
using Switchyard.Core.Operations.NormalizeColumn;
using Switchyard.Core.Validation;

namespace Switchyard.Samples.Ledger.Schema;

/// <summary>
/// The ledger's flagship migration (specs/001-normalize-transaction-status.yaml) as values, for the sample's tools and
/// the tests that need it without a spec file. The product knows no table: it reads these from the spec.
/// </summary>
public static class LedgerFlagship
{
    /// <summary>transactions.status → transaction_state + transactions.state_id, as the flagship spec says.</summary>
    public static NormalizationTarget Target(UnmappedPolicy? unmapped = null) => new(
        new QualifiedName("public", "transactions"), "id", "status", "state_id",
        new QualifiedName("public", "transaction_state"), "id", "code",
        Trim: true, Lowercase: true,
        Aliases: new Dictionary<string, string> { ["setled"] = LedgerStatuses.Settled, ["captrued"] = LedgerStatuses.Captured, ["auth"] = LedgerStatuses.Authorized },
        Unmapped: unmapped ?? UnmappedPolicy.Fail,
        Codes: [LedgerStatuses.Authorized, LedgerStatuses.Captured, LedgerStatuses.Settled, LedgerStatuses.Refunded, LedgerStatuses.Declined, LedgerStatuses.Voided, LedgerStatuses.ChargedBack]);

    /// <summary>What the ledger's money means: balances as in <see cref="LedgerSchema.AccountBalancesSql"/>, chargebacks, the day/currency/status report.</summary>
    public static ReconciliationSettings Reconciliation() => new()
    {
        BalanceBuckets =
        [
            new BalanceBucket("held", [LedgerStatuses.Authorized, LedgerStatuses.Captured]),
            new BalanceBucket("settled", [LedgerStatuses.Settled]),
            new BalanceBucket("refunded", [LedgerStatuses.Refunded]),
            new BalanceBucket("charged_back", [LedgerStatuses.ChargedBack]),
        ],
        ChildTables = [new ChildTable(new QualifiedName("public", "chargebacks"), "transaction_id", "amount_minor")],
        ReportColumns = ["currency"],
    };
}
