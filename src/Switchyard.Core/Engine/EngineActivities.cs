using System.Diagnostics;
using Switchyard.Core.Journal;
using Switchyard.Core.Planning;
using Switchyard.Core.Telemetry;

namespace Switchyard.Core.Engine;

/// <summary>The engine's activities: a run, each phase it enters, each step it runs (null when nobody listens).</summary>
internal static class EngineActivities
{
    public static Activity? StartMigration(string migration, MigrationPhase? to)
    {
        var activity = SwitchyardTelemetry.Source.StartActivity(SwitchyardTelemetry.Activities.Migration);
        if (activity is null) return null;
        activity.DisplayName = $"migration {migration}";
        activity.SetTag(TelemetryTags.Migration, migration);
        if (to is { } phase) activity.SetTag(TelemetryTags.StopAt, MigrationJournal.Phase(phase));
        return activity;
    }

    public static void Finish(Activity? activity, RunResult result)
    {
        if (activity is null) return;
        activity.SetTag(TelemetryTags.Phase, result.Phase);
        activity.SetTag(TelemetryTags.State, result.State);
        activity.SetTag(TelemetryTags.StepsRun, result.StepsRun.Count);
        // A pause or a gate is not an error; a failed run is.
        if (result.State == MigrationStates.Failed) activity.SetStatus(ActivityStatusCode.Error, result.Message);
    }

    public static Activity? StartPhase(string migration, PlanPhase phase)
    {
        var name = MigrationJournal.Phase(phase.Phase);
        var activity = SwitchyardTelemetry.Source.StartActivity(SwitchyardTelemetry.Activities.Phase);
        if (activity is null) return null;
        activity.DisplayName = $"phase {name}";
        activity.SetTag(TelemetryTags.Migration, migration);
        activity.SetTag(TelemetryTags.Phase, name);
        activity.SetTag(TelemetryTags.PointOfNoReturn, phase.PointOfNoReturn);
        return activity;
    }

    public static Activity? StartStep(string migration, PlanStep step)
    {
        var activity = SwitchyardTelemetry.Source.StartActivity(SwitchyardTelemetry.Activities.Step);
        if (activity is null) return null;
        activity.DisplayName = $"step {step.Key}";
        activity.SetTag(TelemetryTags.Migration, migration);
        activity.SetTag(TelemetryTags.Phase, MigrationJournal.Phase(step.Phase));
        activity.SetTag(TelemetryTags.StepKey, step.Key);
        activity.SetTag(TelemetryTags.StepKind, step.Kind.ToString().ToLowerInvariant());
        activity.SetTag(TelemetryTags.LockLevel, step.LockLevel);
        if (step.LockTable is { } table) activity.SetTag(TelemetryTags.LockTable, table);
        activity.SetTag(TelemetryTags.Concurrently, step.Concurrently);
        activity.SetTag(TelemetryTags.RewritesTable, step.RewritesTable);
        return activity;
    }
}
