using Prometheus;
using Switchyard.Core.Backfill;
using Switchyard.Core.Telemetry;
using Tag = System.Collections.Generic.KeyValuePair<string, object?>;

namespace Switchyard.Core.Guards;

/// <summary>
/// The metrics Switchyard exposes in Prometheus text format (prometheus-net's default registry). The backfill updates
/// rows and batch durations, the guards update lag, signal values and throttle state, the engine the phase. Each
/// value also goes to the matching <see cref="SwitchyardInstruments"/> instrument (System.Diagnostics.Metrics).
/// </summary>
public static class SwitchyardMetrics
{
    public static readonly Counter RowsBackfilled = Metrics.CreateCounter(
        "switchyard_rows_backfilled_total", "Rows the backfill has written.", new CounterConfiguration { LabelNames = ["migration"] });

    public static readonly Histogram BatchDuration = Metrics.CreateHistogram(
        "switchyard_batch_duration_seconds", "Duration of one backfill batch.",
        new HistogramConfiguration { LabelNames = ["migration"], Buckets = Histogram.ExponentialBuckets(0.005, 2, 12) });

    public static readonly Gauge ReplicationLagBytes = Metrics.CreateGauge(
        "switchyard_replication_lag_bytes", "WAL bytes a standby has not replayed yet.", new GaugeConfiguration { LabelNames = ["standby"] });

    public static readonly Gauge ReplicationLagSeconds = Metrics.CreateGauge(
        "switchyard_replication_lag_seconds", "Standby lag in seconds (heartbeat when configured, else replay_lag).", new GaugeConfiguration { LabelNames = ["standby", "source"] });

    public static readonly Gauge SignalValue = Metrics.CreateGauge(
        "switchyard_guard_signal_value", "Last value of each guard signal (NaN when unreadable).", new GaugeConfiguration { LabelNames = ["signal", "subject"] });

    public static readonly Gauge SignalReadable = Metrics.CreateGauge(
        "switchyard_guard_signal_readable", "1 when the signal was read, 0 when it could not be (the guard then pauses).", new GaugeConfiguration { LabelNames = ["signal", "subject"] });

    public static readonly Gauge ThrottleState = Metrics.CreateGauge(
        "switchyard_throttle_state", "Current guard decision: 0 proceed, 1 slow, 2 pause, 3 abort.", new GaugeConfiguration { LabelNames = ["migration"] });

    public static readonly Counter GuardDecisions = Metrics.CreateCounter(
        "switchyard_guard_decisions_total", "Guard decisions that changed the throttle state.", new CounterConfiguration { LabelNames = ["action", "signal"] });

    public static readonly Gauge Phase = Metrics.CreateGauge(
        "switchyard_phase", "1 for the phase the migration is in (expand, backfill, validate, cutover, contract).", new GaugeConfiguration { LabelNames = ["migration", "phase"] });

    public static readonly Gauge BackfillRowsDone = Metrics.CreateGauge(
        "switchyard_backfill_rows_done", "Rows backfilled so far as the journal records them (any process).", new GaugeConfiguration { LabelNames = ["migration"] });

    public static readonly Gauge LatencySloSeconds = Metrics.CreateGauge(
        "switchyard_latency_slo_seconds", "The foreground p99 the latency-SLO controller keeps the backfill under.", new GaugeConfiguration { LabelNames = ["migration"] });

    public static readonly Gauge LatencyP99Seconds = Metrics.CreateGauge(
        "switchyard_latency_p99_seconds", "Foreground p99 (the applications' latency feed, else the canary probe) at the controller's last sample.", new GaugeConfiguration { LabelNames = ["migration"] });

    public static readonly Gauge LatencyBaselineSeconds = Metrics.CreateGauge(
        "switchyard_latency_baseline_seconds", "Foreground p99 measured before the backfill started.", new GaugeConfiguration { LabelNames = ["migration"] });

    public static readonly Gauge BackfillAllowedRowsPerSecond = Metrics.CreateGauge(
        "switchyard_backfill_allowed_rows_per_second", "Rows/s the latency-SLO controller allows: +Inf without a limit, 0 while paused.", new GaugeConfiguration { LabelNames = ["migration"] });

    public static readonly Gauge LatencyErrorBudgetSpent = Metrics.CreateGauge(
        "switchyard_latency_error_budget_spent_ratio", "Share of the latency SLO's error budget (1% of operations over the SLO) spent since the backfill started.", new GaugeConfiguration { LabelNames = ["migration"] });

    private static readonly string[] Phases = ["planned", "expand", "backfill", "validate", "cutover", "contract", "done"];

    /// <summary>Marks <paramref name="phase"/> as the migration's current phase (1) and the others 0.</summary>
    public static void SetPhase(string migration, string phase)
    {
        foreach (var p in Phases.Append(phase).Distinct())
        {
            Phase.WithLabels(migration, p).Set(p == phase ? 1 : 0);
            SwitchyardInstruments.Phase.Record(p == phase ? 1 : 0, new Tag(TelemetryTags.Migration, migration), new Tag(TelemetryTags.Phase, p));
        }
    }

    public static void RecordBatch(string migration, long rows, TimeSpan duration)
    {
        RowsBackfilled.WithLabels(migration).Inc(rows);
        BatchDuration.WithLabels(migration).Observe(duration.TotalSeconds);
        SwitchyardInstruments.RowsBackfilled.Add(rows, new Tag(TelemetryTags.Migration, migration));
        SwitchyardInstruments.BatchDuration.Record(duration.TotalSeconds, new Tag(TelemetryTags.Migration, migration));
    }

    /// <summary>Rows done as the journal records them (a watcher of another process's backfill).</summary>
    public static void RecordRowsDone(string migration, long rows)
    {
        BackfillRowsDone.WithLabels(migration).Set(rows);
        SwitchyardInstruments.BackfillRowsDone.Record(rows, new Tag(TelemetryTags.Migration, migration));
    }

    /// <summary>The throttle decision in force for <paramref name="migration"/>.</summary>
    public static void RecordThrottle(string migration, ThrottleAction action)
    {
        ThrottleState.WithLabels(migration).Set((int)action);
        SwitchyardInstruments.ThrottleState.Record((int)action, new Tag(TelemetryTags.Migration, migration));
    }

    internal static void Record(IEnumerable<SignalReading> readings)
    {
        foreach (var r in readings.Where(r => r.Configured))
        {
            var subject = r.Subject.Length == 0 ? "-" : r.Subject;
            SignalValue.WithLabels(r.Signal, subject).Set(r.Value ?? double.NaN);
            SignalReadable.WithLabels(r.Signal, subject).Set(r.Readable ? 1 : 0);
            SwitchyardInstruments.SignalValue.Record(r.Value ?? double.NaN, new Tag(TelemetryTags.GuardSignal, r.Signal), new Tag(TelemetryTags.Subject, subject));
            var standby = r.Subject.StartsWith("standby ", StringComparison.Ordinal) ? r.Subject["standby ".Length..] : null;
            if (standby is null) continue;
            switch (r.Signal)
            {
                case SignalNames.ReplicationLagBytes: ReplicationLagBytes.WithLabels(standby).Set(r.Value ?? double.NaN); break;
                case SignalNames.ReplicationLagSeconds: ReplicationLagSeconds.WithLabels(standby, "replay_lag").Set(r.Value ?? double.NaN); break;
                case SignalNames.HeartbeatLagSeconds: ReplicationLagSeconds.WithLabels(standby, "heartbeat").Set(r.Value ?? double.NaN); break;
            }
        }
    }

    internal static void RecordDecision(string migration, ThrottleDecision decision, bool changed)
    {
        RecordThrottle(migration, decision.Action);
        if (!changed) return;
        var (action, signal) = (decision.Action.ToString().ToLowerInvariant(), decision.Source.Length == 0 ? "-" : decision.Source);
        GuardDecisions.WithLabels(action, signal).Inc();
        SwitchyardInstruments.GuardDecisions.Add(1, new Tag(TelemetryTags.GuardAction, action), new Tag(TelemetryTags.GuardSignal, signal));
    }

    internal static void RecordSlo(string migration, Slo.SloDecision d)
    {
        LatencySloSeconds.WithLabels(migration).Set(d.SloMs / 1000);
        LatencyP99Seconds.WithLabels(migration).Set(d.P99Ms / 1000);
        LatencyBaselineSeconds.WithLabels(migration).Set(d.BaselineMs / 1000);
        BackfillAllowedRowsPerSecond.WithLabels(migration).Set(d.AllowedRowsPerSecond ?? double.PositiveInfinity);
        if (d.ErrorBudgetSpent is { } spent) LatencyErrorBudgetSpent.WithLabels(migration).Set(spent);
        var tag = new Tag(TelemetryTags.Migration, migration);
        SwitchyardInstruments.LatencySlo.Record(d.SloMs / 1000, tag);
        SwitchyardInstruments.LatencyP99.Record(d.P99Ms / 1000, tag);
        SwitchyardInstruments.LatencyBaseline.Record(d.BaselineMs / 1000, tag);
        SwitchyardInstruments.AllowedRowsPerSecond.Record(d.AllowedRowsPerSecond ?? double.PositiveInfinity, tag);
    }

    /// <summary>The SLO gauges from a journaled decision, for a process that watches another one's backfill.</summary>
    public static void RecordSlo(string migration, JournaledSloDecision d) =>
        RecordSlo(migration, new Slo.SloDecision(Slo.SloState.Limited, Slo.SloChange.Hold, d.P99Ms ?? double.NaN, d.SloMs, d.BaselineMs, d.AllowedRowsPerSecond, d.Message));
}
