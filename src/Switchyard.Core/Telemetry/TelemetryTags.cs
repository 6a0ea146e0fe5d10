namespace Switchyard.Core.Telemetry;

/// <summary>Tag (attribute) names on Switchyard's activities and measurements, one spelling everywhere.</summary>
public static class TelemetryTags
{
    public const string Migration = "switchyard.migration";
    public const string Table = "switchyard.table";
    public const string Phase = "switchyard.phase";
    public const string StopAt = "switchyard.migration.to";
    public const string State = "switchyard.migration.state";
    public const string StepsRun = "switchyard.migration.steps_run";
    public const string PointOfNoReturn = "switchyard.phase.point_of_no_return";
    public const string StepKey = "switchyard.step.key";
    public const string StepKind = "switchyard.step.kind";
    public const string LockLevel = "switchyard.lock.level";
    public const string LockTable = "switchyard.lock.table";
    public const string Concurrently = "switchyard.step.concurrently";
    public const string RewritesTable = "switchyard.step.rewrites_table";
    public const string Attempts = "switchyard.attempts";
    public const string Rows = "switchyard.rows";
    public const string Batches = "switchyard.backfill.batches";
    public const string Workers = "switchyard.backfill.workers";
    public const string Outcome = "switchyard.backfill.outcome";
    public const string Range = "switchyard.backfill.range";
    public const string BatchFrom = "switchyard.batch.from_key";
    public const string BatchTo = "switchyard.batch.to_key";
    public const string GuardAction = "switchyard.guard.action";
    public const string GuardSignal = "switchyard.guard.signal";
    public const string Subject = "switchyard.guard.subject";
}
