using System.Diagnostics;
using Switchyard.Core.Telemetry;

namespace Switchyard.Core.Backfill;

/// <summary>The backfill's activities: one per run, one per committed batch (null when nobody listens).</summary>
internal static class BackfillActivities
{
    public static Activity? StartRun(BackfillRequest request)
    {
        var activity = SwitchyardTelemetry.Source.StartActivity(SwitchyardTelemetry.Activities.Backfill);
        if (activity is null) return null;
        activity.DisplayName = $"backfill {request.Target.Filled}";
        activity.SetTag(TelemetryTags.Migration, request.MigrationName);
        activity.SetTag(TelemetryTags.Table, request.Target.Table.ToString());
        activity.SetTag(TelemetryTags.Workers, request.Options.Workers);
        return activity;
    }

    public static void Finish(Activity? activity, BackfillOutcome outcome)
    {
        if (activity is null) return;
        activity.SetTag(TelemetryTags.Outcome, outcome.State);
        activity.SetTag(TelemetryTags.Rows, outcome.Stats.RowsUpdated);
        activity.SetTag(TelemetryTags.Batches, outcome.Stats.Batches);
        // Paused and aborted are decisions (a guard, an operator); unmapped legacy values are a failure.
        if (outcome is BackfillFailed failed) activity.SetStatus(ActivityStatusCode.Error, failed.Refusal.Reason);
    }

    public static Activity? StartBatch(string migration, int rangeNo)
    {
        var activity = SwitchyardTelemetry.Source.StartActivity(SwitchyardTelemetry.Activities.BackfillBatch);
        if (activity is null) return null;
        activity.SetTag(TelemetryTags.Migration, migration);
        activity.SetTag(TelemetryTags.Range, rangeNo);
        return activity;
    }

    /// <summary>The keys the committed batch covered (after any split) and the rows it wrote.</summary>
    public static void Committed(Activity? activity, long from, long to, long rows, int attempts)
    {
        if (activity is null) return;
        activity.DisplayName = $"backfill batch [{from}, {to})";
        activity.SetTag(TelemetryTags.BatchFrom, from);
        activity.SetTag(TelemetryTags.BatchTo, to);
        activity.SetTag(TelemetryTags.Rows, rows);
        activity.SetTag(TelemetryTags.Attempts, attempts);
    }

    public static void Stopped(Activity? activity, string reason) => activity?.SetStatus(ActivityStatusCode.Error, reason);
}
