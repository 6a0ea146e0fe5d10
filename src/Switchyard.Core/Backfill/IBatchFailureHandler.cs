namespace Switchyard.Core.Backfill;

/// <summary>
/// A target's handling of the errors its own batch raises on purpose (a SQLSTATE of its own, e.g. a legacy value
/// that maps to no code): fix something and run the same batch again, or stop the run with a report. The worker asks
/// it before its own split, retry and pause rules, and knows no such error itself.
/// </summary>
internal interface IBatchFailureHandler
{
    /// <summary>True for an error this target raises on purpose; any other error follows the worker's own rules.</summary>
    bool Handles(string sqlState);

    Task<BatchFailureAction> HandleAsync(BatchFailure failure, CancellationToken ct);
}

/// <summary>
/// One batch that raised a handled error: its key span, the key span of the whole run, and how many times this batch
/// was already handled (a handler that fixes the cause retries once, then stops).
/// </summary>
internal sealed record BatchFailure(long From, long To, long RunMinKey, long RunMaxKey, int TimesHandled);

/// <summary>What the worker does after a handled error.</summary>
internal abstract record BatchFailureAction
{
    /// <summary>Run the same batch again: the handler fixed its cause.</summary>
    public static readonly BatchFailureAction Retry = new RetryBatch();

    public static BatchFailureAction Stop(BatchRefusal refusal) => new StopRun(refusal);

    public sealed record RetryBatch : BatchFailureAction;

    /// <summary>Stop every worker; the run ends <see cref="BackfillFailed"/> with the refusal, its committed batches kept.</summary>
    public sealed record StopRun(BatchRefusal Refusal) : BatchFailureAction;
}
