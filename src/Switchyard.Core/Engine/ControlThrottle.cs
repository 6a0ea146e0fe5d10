using Switchyard.Core.Backfill;
using Switchyard.Core.Journal;

namespace Switchyard.Core.Engine;

/// <summary>The operator's pause / abort (<c>switchyard.control</c>) as a backfill throttle: both stop the phase; apply continues it later.</summary>
public sealed class ControlThrottle(MigrationJournal journal, long migrationId) : IBackfillThrottle
{
    public async ValueTask<ThrottleDecision> BeforeBatchAsync(BatchContext batch, CancellationToken ct)
    {
        var control = await journal.ControlAsync(migrationId, ct).ConfigureAwait(false);
        if (control.AbortRequested) return new ThrottleDecision(ThrottleAction.Abort, TimeSpan.Zero, "abort requested" + (control.Reason is null ? "" : ": " + control.Reason), "operator");
        if (control.Paused) return new ThrottleDecision(ThrottleAction.Pause, TimeSpan.FromSeconds(1), "paused" + (control.Reason is null ? "" : ": " + control.Reason), "operator");
        return ThrottleDecision.Proceed;
    }
}
