using Switchyard.Samples.Ledger.Bench;
using Switchyard.Samples.Ledger.Workload;

namespace Switchyard.Core.Tests.Samples;

public sealed class WorkloadSettlingTests
{
    private const double Rate = 300;

    private static TimelinePoint Second(int second, long payments = 300, double p99Ms = 20, bool report = false) =>
        new(second, payments + (report ? 1 : 0), 0, p99Ms, p99Ms) { PaymentsP99Ms = p99Ms, RegulatoryReportMaxMs = report ? 400 : null };

    private static List<TimelinePoint> Steady(int seconds) => [.. Enumerable.Range(0, seconds).Select(s => Second(s))];

    [Fact]
    public void IsSettled_ThreeFinishedSecondsAtRateAndMilliseconds_IsTrue()
    {
        // Given 20 s of steady seconds, one of them with a regulatory report in it
        var timeline = Steady(20);
        timeline[16] = Second(16, report: true);

        // When it is judged 20.5 s in, Then it has settled
        WorkloadSettling.IsSettled(timeline, TimeSpan.FromSeconds(20.5), Rate).ShouldBeTrue();
    }

    [Fact]
    public void IsSettled_ABacklogSecondAmongTheLastThree_IsFalse()
    {
        // Given a cold start whose backlog still had payments waiting for seconds a few seconds ago
        var timeline = Steady(20);
        timeline[17] = Second(17, p99Ms: 3_400);

        // When it is judged 20.5 s in, Then it has not settled
        WorkloadSettling.IsSettled(timeline, TimeSpan.FromSeconds(20.5), Rate).ShouldBeFalse();
    }

    [Fact]
    public void IsSettled_ASecondWhosePaymentsHaveNotAllFinished_IsFalse()
    {
        // Given a second whose payments are still queued (only 120 of its 300 done), though those done were quick
        var timeline = Steady(20);
        timeline[18] = Second(18, payments: 120);

        // When it is judged 20.5 s in, Then it has not settled
        WorkloadSettling.IsSettled(timeline, TimeSpan.FromSeconds(20.5), Rate).ShouldBeFalse();
    }

    [Fact]
    public void IsSettled_TooEarlyForThreeFinishedSeconds_IsFalse() =>
        WorkloadSettling.IsSettled(Steady(4), TimeSpan.FromSeconds(3.9), Rate).ShouldBeFalse();
}
