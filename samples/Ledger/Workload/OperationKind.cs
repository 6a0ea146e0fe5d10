namespace Switchyard.Samples.Ledger.Workload;

/// <summary>What a payments service does to the ledger, as the workload mixes it.</summary>
public enum OperationKind
{
    /// <summary>A new authorization (insert).</summary>
    Authorize,

    /// <summary>authorized → captured.</summary>
    Capture,

    /// <summary>captured → settled.</summary>
    Settle,

    /// <summary>settled → refunded.</summary>
    Refund,

    /// <summary>settled → charged_back plus a chargebacks row.</summary>
    Chargeback,

    /// <summary>An account's balances.</summary>
    BalanceRead,

    /// <summary>The risk model's read of an account's recent transactions.</summary>
    RiskRead,

    /// <summary>The regulatory report over the whole ledger, every few seconds.</summary>
    RegulatoryReport,
}
