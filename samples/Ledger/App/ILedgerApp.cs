namespace Switchyard.Samples.Ledger.App;

/// <summary>
/// What a payments service does to the ledger. App v1 knows only <c>transactions.status</c>; app v2 uses
/// Switchyard.Compat and writes/reads per the flags. The workload drives a fleet of both through this interface.
/// </summary>
public interface ILedgerApp
{
    /// <summary>"v1" or "v2": shown in the workload's per-version counters.</summary>
    string Version { get; }

    /// <summary>A new authorization (insert). Returns the transaction id.</summary>
    Task<long> AuthorizeAsync(long accountId, long merchantId, long amountMinor, string currency, CancellationToken ct);

    /// <summary>authorized → captured.</summary>
    Task<bool> CaptureAsync(long transactionId, CancellationToken ct);

    /// <summary>captured → settled.</summary>
    Task<bool> SettleAsync(long transactionId, CancellationToken ct);

    /// <summary>settled → refunded.</summary>
    Task<bool> RefundAsync(long transactionId, CancellationToken ct);

    /// <summary>settled → charged_back, plus a chargebacks row.</summary>
    Task<bool> ChargebackAsync(long transactionId, string reasonCode, CancellationToken ct);

    /// <summary>The transaction's lifecycle code as this app version reads it.</summary>
    Task<string?> ReadStatusAsync(long transactionId, CancellationToken ct);

    /// <summary>An account's held / settled / refunded / charged-back balance, in minor units.</summary>
    Task<AccountBalance> ReadBalanceAsync(long accountId, CancellationToken ct);

    /// <summary>The risk model's read: an account's recent transactions with their status.</summary>
    Task<IReadOnlyList<TransactionView>> RecentTransactionsAsync(long accountId, int limit, CancellationToken ct);
}

/// <summary>Balances of one account, in minor units.</summary>
public sealed record AccountBalance(long AccountId, long HeldMinor, long SettledMinor, long RefundedMinor, long ChargedBackMinor);

/// <summary>A transaction as the risk model sees it.</summary>
public sealed record TransactionView(long Id, long AmountMinor, string Currency, string Status, DateTimeOffset CreatedAt);
