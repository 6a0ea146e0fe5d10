namespace Switchyard.Samples.Ledger.Workload;

/// <summary>
/// Relative weights of the rate-driven operations (the regulatory report runs on its own interval). Lifecycle steps
/// act on transactions this run authorized; when none is ready the step falls back to the one before it.
/// </summary>
public sealed record OperationMix
{
    /// <value>The default is 30.</value>
    public double Authorize { get; init; } = 30;

    /// <value>The default is 18.</value>
    public double Capture { get; init; } = 18;

    /// <value>The default is 14.</value>
    public double Settle { get; init; } = 14;

    /// <value>The default is 3.</value>
    public double Refund { get; init; } = 3;

    /// <value>The default is 1.</value>
    public double Chargeback { get; init; } = 1;

    /// <value>The default is 18.</value>
    public double BalanceRead { get; init; } = 18;

    /// <value>The default is 16.</value>
    public double RiskRead { get; init; } = 16;

    internal (OperationKind Kind, double Weight)[] Weights() =>
    [
        (OperationKind.Authorize, Authorize), (OperationKind.Capture, Capture), (OperationKind.Settle, Settle),
        (OperationKind.Refund, Refund), (OperationKind.Chargeback, Chargeback), (OperationKind.BalanceRead, BalanceRead),
        (OperationKind.RiskRead, RiskRead),
    ];

    internal void Validate()
    {
        var weights = Weights();
        if (weights.Any(w => w.Weight < 0 || double.IsNaN(w.Weight)))
            throw new Core.SwitchyardException("Operation mix weights must be zero or more.", "Set each weight of OperationMix to a non-negative number.");
        if (weights.Sum(w => w.Weight) <= 0)
            throw new Core.SwitchyardException("The operation mix has no operation with a positive weight.", "Give at least one operation a weight above zero.");
    }
}
