namespace Switchyard.Core.Planning;

/// <summary>What a step does, as typed facts: the engine, runbook and rollback read these, never the SQL text.</summary>
[Flags]
public enum StepTraits
{
    None = 0,

    /// <summary>Removes a table, column, constraint, index, trigger or function (data or shape is lost).</summary>
    Drops = 1,

    /// <summary>Builds an index (its duration grows with the table).</summary>
    IndexBuild = 2,

    /// <summary>Scans every row (a VALIDATE, a backfill) without rewriting the table.</summary>
    Scans = 4,

    /// <summary>Updates existing rows (a backfill).</summary>
    WritesRows = 8,

    /// <summary>Renames a table, column or constraint: an application using the old name stops working.</summary>
    Renames = 16,
}
