using Switchyard.Core.Runners;

namespace Switchyard.Core.Backfill;

/// <summary>
/// Before every batch, checks that this process still holds its runner lock (taking it back if its session died);
/// raises <see cref="RunnerLeaseLostException"/> to stop the backfill when another runner took over.
/// </summary>
public sealed class RunnerLeaseThrottle(RunnerLease lease) : IBackfillThrottle
{
    public async ValueTask<ThrottleDecision> BeforeBatchAsync(BatchContext batch, CancellationToken ct)
    {
        await lease.EnsureHeldAsync(ct).ConfigureAwait(false);
        return ThrottleDecision.Proceed;
    }
}
