using System.Diagnostics.Metrics;

namespace Switchyard.Core.Telemetry;

/// <summary>
/// The instruments of the "Switchyard" <see cref="Meter"/>. <see cref="Guards.SwitchyardMetrics"/> records every value
/// here and in the Prometheus registry at once, so both views always agree.
/// </summary>
public static class SwitchyardInstruments
{
    private static Meter Meter => SwitchyardTelemetry.Meter;

    public static readonly Counter<long> RowsBackfilled = Meter.CreateCounter<long>(
        "switchyard.backfill.rows", "{row}", "Rows the backfill has written.");

    public static readonly Histogram<double> BatchDuration = Meter.CreateHistogram<double>(
        "switchyard.backfill.batch.duration", "s", "Duration of one backfill batch.");

    public static readonly Gauge<long> BackfillRowsDone = Meter.CreateGauge<long>(
        "switchyard.backfill.rows_done", "{row}", "Rows backfilled so far as the journal records them (any process).");

    public static readonly Gauge<int> Phase = Meter.CreateGauge<int>(
        "switchyard.migration.phase", null, "1 for the phase the migration is in, 0 for the others.");

    public static readonly Gauge<int> ThrottleState = Meter.CreateGauge<int>(
        "switchyard.throttle.state", null, "Current guard decision: 0 proceed, 1 slow, 2 pause, 3 abort.");

    public static readonly Counter<long> GuardDecisions = Meter.CreateCounter<long>(
        "switchyard.guard.decisions", "{decision}", "Guard decisions that changed the throttle state.");

    public static readonly Gauge<double> SignalValue = Meter.CreateGauge<double>(
        "switchyard.guard.signal.value", null, "Last value of each guard signal (NaN when unreadable).");

    public static readonly Gauge<double> LatencyP99 = Meter.CreateGauge<double>(
        "switchyard.latency.p99", "s", "Foreground p99 (canary probe) at the latency-SLO controller's last sample.");

    public static readonly Gauge<double> LatencySlo = Meter.CreateGauge<double>(
        "switchyard.latency.slo", "s", "The foreground p99 the latency-SLO controller keeps the backfill under.");

    public static readonly Gauge<double> LatencyBaseline = Meter.CreateGauge<double>(
        "switchyard.latency.baseline", "s", "Foreground p99 measured before the backfill started.");

    public static readonly Gauge<double> AllowedRowsPerSecond = Meter.CreateGauge<double>(
        "switchyard.backfill.allowed_rate", "{row}/s", "Rows/s the latency-SLO controller allows: +Inf without a limit, 0 while paused.");
}
