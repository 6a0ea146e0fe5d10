namespace Switchyard.Core.Validation;

/// <summary>How one check ended.</summary>
public enum CheckOutcome
{
    Passed,
    Failed,
    /// <summary>The check has nothing to prove in this shape (e.g. no legacy column and no compat view).</summary>
    NotApplicable,
}

/// <summary>A window (day or hour) or catalog item a check looked at, with what it found.</summary>
public sealed record CheckFinding(string Key, long Rows, long Failures, string? Note = null);

/// <summary>What one check examined and found; stored as evidence in <c>switchyard.validation_results</c>.</summary>
public sealed record CheckResult(
    string Check,
    CheckOutcome Outcome,
    long RowsExamined,
    long Failures,
    long Threshold,
    IReadOnlyList<string> SampleKeys,
    TimeSpan Duration,
    string Detail)
{
    /// <summary>Failing windows, report lines or catalog items, for the JSON output and the journal.</summary>
    public IReadOnlyList<CheckFinding> Findings { get; init; } = [];

    public static CheckResult NotApplicable(string check, string reason, TimeSpan duration) =>
        new(check, CheckOutcome.NotApplicable, 0, 0, 0, [], duration, reason);

    public static CheckResult Of(string check, long rows, long failures, long threshold, IReadOnlyList<string> samples, TimeSpan duration, string detail) =>
        new(check, failures > threshold ? CheckOutcome.Failed : CheckOutcome.Passed, rows, failures, threshold, samples, duration, detail);
}
