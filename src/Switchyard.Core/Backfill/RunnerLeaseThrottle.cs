using Switchyard.Core.Runners;

namespace Switchyard.Core.Backfill;

/// <summary>
/// Before every batch, checks that this process still holds its runner lock, taking it back (and journaling that via
/// <paramref name="retaken"/>) if its session died; raises <see cref="RunnerLeaseLostException"/> to stop the backfill
/// when another runner took over.
/// </summary>
public sealed class RunnerLeaseThrottle(RunnerLease lease, Func<string, CancellationToken, Task> retaken) : IBackfillThrottle
{
    public async ValueTask<ThrottleDecision> BeforeBatchAsync(BatchContext batch, CancellationToken ct)
    {
        if (await lease.EnsureHeldAsync(ct).ConfigureAwait(false) is { } note)
            await retaken($"before a batch of range {batch.Worker}: {note}", ct).ConfigureAwait(false);
        return ThrottleDecision.Proceed;
    }
}
