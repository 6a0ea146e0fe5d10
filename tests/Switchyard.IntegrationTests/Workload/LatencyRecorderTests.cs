using Switchyard.Samples.Ledger.Workload;

namespace Switchyard.IntegrationTests.Workload;

public sealed class LatencyRecorderTests
{
    [Fact]
    public void Summary_Percentiles_AreReadAtMicrosecondResolutionInMilliseconds()
    {
        // Given 1..1000 microseconds recorded once each
        var recorder = new LatencyRecorder();
        for (var micros = 1; micros <= 1000; micros++) recorder.RecordMicroseconds(micros);

        // When summarized
        var summary = recorder.Summary();

        // Then the percentiles are those values (to HdrHistogram's 3 significant digits), in milliseconds
        summary.Count.ShouldBe(1000);
        summary.P50Ms.ShouldBe(0.5, 0.001);
        summary.P99Ms.ShouldBe(0.99, 0.001);
        summary.MaxMs.ShouldBe(1.0, 0.001);
        summary.Clamped.ShouldBe(0);
    }

    [Fact]
    public void Add_ValuesBeyondTheRange_RecordersAddUpAndTheValuesAreClampedAndCounted()
    {
        // Given one recorder of short latencies and one with a value far beyond its one-second range
        var fast = new LatencyRecorder();
        fast.Record(TimeSpan.FromMilliseconds(2));
        var slow = new LatencyRecorder(TimeSpan.FromSeconds(1));
        slow.Record(TimeSpan.FromMinutes(5));

        // When the slow one is added into the fast one
        fast.Add(slow);

        // Then both values count, the stall sits at the top of the range instead of throwing, and it is reported as clamped
        var summary = fast.Summary();
        summary.Count.ShouldBe(2);
        summary.MaxMs.ShouldBe(1000, 1);
        summary.Clamped.ShouldBe(1);
        slow.Summary().Count.ShouldBe(1);
    }
}
