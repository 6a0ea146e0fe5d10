namespace Switchyard.Samples.Ledger.Invariants;

/// <summary>
/// The facts about money that no migration step may change. Every fault test compares a snapshot taken before with
/// one taken after.
/// </summary>
/// <param name="Transactions">Row count of transactions.</param>
/// <param name="SumAmountMinor">Σ amount_minor over all transactions.</param>
/// <param name="BalanceChecksum">md5 over every account's held / settled / refunded / charged-back balance.</param>
/// <param name="Chargebacks">Row count of chargebacks.</param>
/// <param name="ChargebackSumMinor">Σ chargeback amounts.</param>
/// <param name="StateMissing">Rows with no state_id while state_id exists (null before the column exists).</param>
/// <param name="StatusStateDisagreements">Rows whose state code is not the canonical form of their status (null unless both exist).</param>
public sealed record LedgerInvariants(
    long Transactions,
    decimal SumAmountMinor,
    string BalanceChecksum,
    long Chargebacks,
    decimal ChargebackSumMinor,
    long? StateMissing,
    long? StatusStateDisagreements)
{
    /// <summary>Rows whose status maps to no code (NULL included) that the map_to policy gave its code; null without map_to.</summary>
    public long? PolicyMapped { get; init; }

    /// <summary>The money facts only (counts, sums, balances), which must be equal before and after any step.</summary>
    public bool SameMoneyAs(LedgerInvariants other) =>
        Transactions == other.Transactions && SumAmountMinor == other.SumAmountMinor && BalanceChecksum == other.BalanceChecksum
        && Chargebacks == other.Chargebacks && ChargebackSumMinor == other.ChargebackSumMinor;

    public override string ToString() =>
        $"transactions={Transactions} Σamount_minor={SumAmountMinor} balances_md5={BalanceChecksum} chargebacks={Chargebacks} " +
        $"Σchargeback_minor={ChargebackSumMinor} state_missing={StateMissing?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "n/a"} " +
        $"status_state_disagreements={StatusStateDisagreements?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "n/a"}" +
        (PolicyMapped is { } mapped ? $" policy_mapped={mapped.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "");
}
