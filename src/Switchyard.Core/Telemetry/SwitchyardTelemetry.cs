using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Switchyard.Core.Telemetry;

/// <summary>
/// The one <see cref="ActivitySource"/> and the one <see cref="Meter"/> Switchyard reports through, both named
/// "Switchyard": an application or collector using OpenTelemetry subscribes with <c>AddSource("Switchyard")</c> and
/// <c>AddMeter("Switchyard")</c> and needs no other code.
/// </summary>
public static class SwitchyardTelemetry
{
    public const string Name = "Switchyard";

    private static readonly string Version = typeof(SwitchyardTelemetry).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static readonly ActivitySource Source = new(Name, Version);

    public static readonly Meter Meter = new(Name, Version);

    /// <summary>Activity names: a run, each phase in it, each step in a phase, the backfill of a step, each of its batches.</summary>
    public static class Activities
    {
        public const string Migration = "switchyard.migration";
        public const string Phase = "switchyard.phase";
        public const string Step = "switchyard.step";
        public const string Backfill = "switchyard.backfill";
        public const string BackfillBatch = "switchyard.backfill.batch";
    }

    /// <summary>Marks the activity failed with the exception's message and records the exception as an event.</summary>
    public static void Fail(this Activity? activity, Exception error)
    {
        if (activity is null) return;
        activity.SetStatus(ActivityStatusCode.Error, error.Message);
        activity.AddException(error);
    }
}
