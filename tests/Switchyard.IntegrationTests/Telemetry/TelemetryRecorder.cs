using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Switchyard.Core.Telemetry;

namespace Switchyard.IntegrationTests.Telemetry;

/// <summary>
/// An in-process <see cref="ActivityListener"/> and <see cref="MeterListener"/> on "Switchyard" that keep only what one
/// test caused: activities in the test's own trace, and measurements recorded while one of them was current. Other
/// tests run in parallel in the same process, under other traces.
/// </summary>
internal sealed class TelemetryRecorder : IDisposable
{
    private static readonly ActivitySource TestSource = new("Switchyard.IntegrationTests");
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters = new();
    private readonly Activity _root;

    public sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);

    public ConcurrentQueue<Activity> Stopped { get; } = new();

    public ConcurrentQueue<Measurement> Measurements { get; } = new();

    public TelemetryRecorder(string testName)
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name is SwitchyardTelemetry.Name or "Switchyard.IntegrationTests",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.TraceId == TraceId && a.Source.Name == SwitchyardTelemetry.Name) Stopped.Enqueue(a);
            },
        };
        ActivitySource.AddActivityListener(_activities);
        _root = TestSource.StartActivity(testName)!;
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SwitchyardTelemetry.Name) listener.EnableMeasurementEvents(instrument);
        };
        _meters.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _meters.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _meters.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _meters.Start();
    }

    public ActivityTraceId TraceId => _root.TraceId;

    public ActivitySpanId RootSpanId => _root.SpanId;

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (Activity.Current?.TraceId != TraceId) return;
        Measurements.Enqueue(new Measurement(instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));
    }

    public List<Activity> Named(string operationName) => [.. Stopped.Where(a => a.OperationName == operationName)];

    public void Dispose()
    {
        _root.Dispose();
        _meters.Dispose();
        _activities.Dispose();
    }
}
