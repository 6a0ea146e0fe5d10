using Switchyard.Core.Execution;

namespace Switchyard.Core.Linting;

/// <summary>The result of linting one file: every statement with its findings and, when measured, its real locks.</summary>
/// <param name="MeasuredAgainst">The database whose schema clone the statements were measured on (no password), or null for rules only.</param>
public sealed record LintReport(string Source, string? MeasuredAgainst, IReadOnlyList<StatementReport> Statements)
{
    public IEnumerable<LintFinding> Findings => Statements.SelectMany(s => s.Findings);
    public int Errors => Findings.Count(f => f.Severity == LintSeverity.Error);
    public int Warnings => Findings.Count(f => f.Severity == LintSeverity.Warning);
    public int Infos => Findings.Count(f => f.Severity == LintSeverity.Info);

    /// <summary>CI exit code: 2 when errors were found, 1 when only warnings and <paramref name="failOn"/> is Warning, else 0.</summary>
    public int ExitCode(LintFailOn failOn) => failOn switch
    {
        LintFailOn.None => 0,
        _ when Errors > 0 => 2,
        LintFailOn.Warning when Warnings > 0 => 1,
        _ => 0,
    };
}

/// <summary>One statement of the file as linted.</summary>
public sealed record StatementReport(int Index, int Line, int Column, string Sql, bool InTransactionBlock,
    IReadOnlyList<LintFinding> Findings, StatementMeasurement? Measurement);

/// <summary>Whether and how a statement's locks were measured on the schema clone.</summary>
public enum MeasurementStatus
{
    /// <summary>Run inside a transaction on the clone, locks read from pg_locks, rolled back.</summary>
    Measured,

    /// <summary>CONCURRENTLY (or VACUUM) cannot run inside a transaction: the documented lock is reported.</summary>
    NotPossibleInTransaction,

    /// <summary>The statement failed on the clone; <see cref="StatementMeasurement.Note"/> says why.</summary>
    Failed,

    /// <summary>Transaction control or a session setting: nothing to measure.</summary>
    Skipped,
}

/// <summary>What a statement did on the clone: the strongest lock on a pre-existing table, every lock, and rewrites.</summary>
public sealed record StatementMeasurement(MeasurementStatus Status, LockMode StrongestTableLock, IReadOnlyList<MeasuredLock> Locks,
    IReadOnlyList<string> RewrittenTables, string? Note)
{
    public string StrongestTableLockName => LockModes.SqlName(StrongestTableLock);
    public bool Rewrote => RewrittenTables.Count > 0;

    /// <summary>The lock the statement takes on <paramref name="table"/> (schema.name), or None.</summary>
    public LockMode LockOn(string table) =>
        Locks.Where(l => l.Relation == table).Select(l => l.Mode).DefaultIfEmpty(LockMode.None).Max();
}

/// <summary>One lock held at the end of the statement on a relation that existed before it.</summary>
/// <param name="Kind">table, partitioned table, index, view, materialized view, sequence, foreign table.</param>
public sealed record MeasuredLock(string Relation, string Kind, LockMode Mode);
