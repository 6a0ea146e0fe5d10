namespace Switchyard.Core.Validation;

/// <summary>
/// The shape the table should be in when the suite runs: the last phase that completed. Catalog expectations depend on
/// it (an index is only expected once Validate built it, the trigger is gone after Contract, ...).
/// </summary>
public enum MigrationShape
{
    /// <summary>Lookup table, nullable target column, dual-write trigger, foreign key NOT VALID.</summary>
    Expanded = 0,
    /// <summary>As Expanded, with the target column filled (the default expectation while backfilling).</summary>
    Backfilled = 1,
    /// <summary>Foreign key validated, index on the target column built and valid, NOT NULL in place.</summary>
    Validated = 2,
    /// <summary>As Validated; readers moved to the new column (flags), the trigger still on.</summary>
    CutOver = 3,
    /// <summary>Trigger dropped, legacy column dropped, a compat view exposes it for old readers.</summary>
    Contracted = 4,
}
