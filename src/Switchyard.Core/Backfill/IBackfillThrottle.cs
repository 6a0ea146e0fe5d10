namespace Switchyard.Core.Backfill;

/// <summary>What a throttle tells the backfill before each batch.</summary>
public enum ThrottleAction
{
    /// <summary>Run the batch now.</summary>
    Proceed,
    /// <summary>Run it after <see cref="ThrottleDecision.Delay"/>.</summary>
    Slow,
    /// <summary>Hold: ask again after <see cref="ThrottleDecision.Delay"/>, until healthy or resumed.</summary>
    Pause,
    /// <summary>Stop the phase; what is done stays done.</summary>
    Abort,
}

/// <summary>A throttle's answer, with the reason shown in status and written to the journal.</summary>
public sealed record ThrottleDecision(ThrottleAction Action, TimeSpan Delay, string? Reason, string Source = "")
{
    public static readonly ThrottleDecision Proceed = new(ThrottleAction.Proceed, TimeSpan.Zero, null);
}

/// <summary>Where the batch stands when a throttle is asked.</summary>
public sealed record BatchContext(string Migration, int Worker, long RowsDone, long RowsEstimated, double RowsPerSecond);

/// <summary>Consulted before every backfill batch. The rows/s limit, operator pause and the guards all implement it.</summary>
public interface IBackfillThrottle
{
    ValueTask<ThrottleDecision> BeforeBatchAsync(BatchContext batch, CancellationToken ct);
}

/// <summary>A throttle that also asks for shorter batches while it holds the backfill back (null: the configured target).</summary>
public interface IBatchTimeAdvisor
{
    TimeSpan? TargetBatchTime { get; }
}

/// <summary>A throttle that measures the foreground before the run starts loading the database (its own preparation included).</summary>
public interface IForegroundBaseline
{
    Task MeasureBaselineAsync(string migration, CancellationToken ct);
}
