using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Engine;

/// <summary>Issue 16 item 10: what apply prints is in the order it happened, and a healthy guard is no warning.</summary>
public sealed class ApplyOutputTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task Apply_HealthyGuardsThroughBackfill_DoneLinesInOrderWithProgressAndNoGuardWarning()
    {
        // When apply runs Expand and Backfill with the guards on, on a healthy database (the latency SLO off: its pause
        // is a warning by design, and whether the canary sees one depends on what else the machine runs)
        var result = await CliRunner.RunAsync(["apply", FlagshipSpec.Path, "--to", "backfill", "--latency-slo", "off", .. FlagshipSpec.Connect(db)]);

        // Then
        result.ExitCode.ShouldBe(0, result.StdErr);
        var lines = result.StdOut.Split('\n').Select(l => l.TrimEnd()).ToList();
        var lastExpandDone = lines.FindLastIndex(l => l.StartsWith("  done: expand.", StringComparison.Ordinal));
        var firstProgress = lines.FindIndex(l => l.StartsWith("backfill ", StringComparison.Ordinal));
        var lastProgress = lines.FindLastIndex(l => l.StartsWith("backfill ", StringComparison.Ordinal));
        var backfillDone = lines.FindIndex(l => l.StartsWith("  done: backfill.", StringComparison.Ordinal));
        lastExpandDone.ShouldBeGreaterThanOrEqualTo(0, result.StdOut);
        firstProgress.ShouldBeGreaterThan(lastExpandDone, result.StdOut);
        backfillDone.ShouldBeGreaterThan(lastProgress, result.StdOut);
        // A healthy decision is information (shown with --verbose), not a warning
        (result.StdOut + result.StdErr).ShouldNotContain("Guard decision Proceed");
        (result.StdOut + result.StdErr).ShouldNotContain("warn:");
    }
}
