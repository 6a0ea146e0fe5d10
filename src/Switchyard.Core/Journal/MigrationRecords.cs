namespace Switchyard.Core.Journal;

/// <summary>Where a migration stands, beyond its phase.</summary>
public static class MigrationStates
{
    public const string Running = "running";
    /// <summary>Stopped at a gate that needs people (deploy app v2, flip flags, confirm Contract).</summary>
    public const string Waiting = "waiting";
    public const string Paused = "paused";
    public const string Failed = "failed";
    public const string RolledBack = "rolled_back";
    public const string Completed = "completed";

    /// <summary>States in which a migration still owns its table.</summary>
    public static readonly string[] Active = [Running, Waiting, Paused, Failed, "active"];
}

/// <summary>A row of <c>switchyard.migrations</c>.</summary>
public sealed record MigrationRecord(long Id, string Name, string TargetTable, string SpecChecksum, string? SpecPath, string Phase, string State, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>The flag Expand registered (null: the migration has none, or its journal predates the column; see Engine.JournaledFlag).</summary>
    public string? FlagKey { get; init; }
}

/// <summary>A row of <c>switchyard.steps</c>.</summary>
public sealed record StepRecord(string Key, string Phase, string Description, string Sql, string Status, int Attempts, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Error)
{
    /// <summary>The plan step's kind (ddl, backfill, gate, cutover); null for a row journaled before the column, until its next apply.</summary>
    public string? Kind { get; init; }

    /// <summary>
    /// A Contract step that changes the schema: once it started, rollback cannot restore the old shape. The gate that
    /// opens Contract drops nothing, so a failed gate still allows rollback. A row of unknown kind counts as passing:
    /// the safe side, until the next apply records its kind.
    /// </summary>
    public bool PassesPointOfNoReturn => Phase == "contract" && Kind != "gate";
}

/// <summary>A row of <c>switchyard.events</c>.</summary>
public sealed record EventRecord(long Id, DateTimeOffset At, string OsUser, string DbUser, string ApplicationName, string Kind, string Message, string? Data);

/// <summary>The operator's control row for a migration.</summary>
public sealed record ControlRecord(bool Paused, bool AbortRequested, string? Reason);

/// <summary>A flag row of <c>switchyard.flags</c>.</summary>
public sealed record FlagRecord(string FlagKey, string ReadMode, int ReadPercent, string WriteMode, long Version, DateTimeOffset UpdatedAt, string UpdatedBy);

/// <summary>Step statuses in the journal.</summary>
public static class StepStatuses
{
    public const string Pending = "pending";
    public const string Running = "running";
    public const string Done = "done";
    public const string Failed = "failed";
    public const string RolledBack = "rolled_back";
}
