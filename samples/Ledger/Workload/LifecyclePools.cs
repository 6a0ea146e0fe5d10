using System.Collections.Concurrent;

namespace Switchyard.Samples.Ledger.Workload;

/// <summary>
/// Transactions this run authorized, by the lifecycle state they are known to be in. An id is taken out before its
/// next step and put back only after that step succeeded, so no two operations of the run race on one row.
/// </summary>
internal sealed class LifecyclePools
{
    // Enough for hours of traffic at demo rates; beyond it new ids are simply not followed further.
    private const int Capacity = 100_000;
    private readonly ConcurrentQueue<long> _authorized = new();
    private readonly ConcurrentQueue<long> _captured = new();
    private readonly ConcurrentQueue<long> _settled = new();

    /// <summary>The operation that can run now: the wanted one, or the nearest earlier step that has a row ready.</summary>
    public (OperationKind Kind, long TransactionId) Take(OperationKind wanted)
    {
        switch (wanted)
        {
            case OperationKind.Refund or OperationKind.Chargeback:
                if (_settled.TryDequeue(out var settled)) return (wanted, settled);
                goto case OperationKind.Settle;
            case OperationKind.Settle:
                if (_captured.TryDequeue(out var captured)) return (OperationKind.Settle, captured);
                goto case OperationKind.Capture;
            case OperationKind.Capture:
                if (_authorized.TryDequeue(out var authorized)) return (OperationKind.Capture, authorized);
                return (OperationKind.Authorize, 0);
            default:
                return (wanted, 0);
        }
    }

    /// <summary>Files a row under the state the succeeded operation left it in.</summary>
    public void Succeeded(OperationKind kind, long transactionId)
    {
        var pool = kind switch
        {
            OperationKind.Authorize => _authorized,
            OperationKind.Capture => _captured,
            OperationKind.Settle => _settled,
            _ => null,
        };
        if (pool is not null && pool.Count < Capacity) pool.Enqueue(transactionId);
    }
}
