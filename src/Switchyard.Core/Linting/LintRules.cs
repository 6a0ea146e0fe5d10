using Switchyard.Core.Execution;

namespace Switchyard.Core.Linting;

/// <summary>The rule catalog. Ids are stable: CI configurations and suppressions refer to them.</summary>
public static class LintRules
{
    public static readonly LintRule IndexWithoutConcurrently = new("SY001", "create-index-not-concurrent", LintSeverity.Error,
        "CREATE INDEX takes SHARE on the table for the whole build: every INSERT, UPDATE and DELETE waits until it finishes.",
        "CREATE INDEX CONCURRENTLY ... (outside any transaction block); on failure drop the INVALID index and retry.",
        LockMode.Share);

    public static readonly LintRule DropIndexWithoutConcurrently = new("SY002", "drop-index-not-concurrent", LintSeverity.Warning,
        "DROP INDEX takes ACCESS EXCLUSIVE on the table: while it waits for the lock, every reader and writer queues behind it.",
        "DROP INDEX CONCURRENTLY IF EXISTS ... (outside any transaction block).",
        LockMode.AccessExclusive);

    public static readonly LintRule ConcurrentlyInTransaction = new("SY003", "concurrently-in-transaction", LintSeverity.Error,
        "CONCURRENTLY cannot run inside a transaction block: the statement fails (and a migration tool that wraps it in a transaction fails every time).",
        "Move the statement out of BEGIN ... COMMIT and run it on its own; keep lock_timeout set at session level.");

    public static readonly LintRule ForeignKeyWithoutNotValid = new("SY004", "foreign-key-not-valid-missing", LintSeverity.Error,
        "ADD FOREIGN KEY takes SHARE ROW EXCLUSIVE on both tables and scans the whole table to validate it: writes to both tables stop meanwhile.",
        "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (...) REFERENCES r (...) NOT VALID; then ALTER TABLE t VALIDATE CONSTRAINT fk; (SHARE UPDATE EXCLUSIVE, writes continue).",
        LockMode.ShareRowExclusive);

    public static readonly LintRule CheckWithoutNotValid = new("SY005", "check-not-valid-missing", LintSeverity.Error,
        "ADD CONSTRAINT ... CHECK takes ACCESS EXCLUSIVE and scans the whole table while holding it: reads and writes stop.",
        "ALTER TABLE t ADD CONSTRAINT c CHECK (...) NOT VALID; then ALTER TABLE t VALIDATE CONSTRAINT c;",
        LockMode.AccessExclusive);

    public static readonly LintRule SetNotNullWithoutCheck = new("SY006", "set-not-null-without-validated-check", LintSeverity.Error,
        "SET NOT NULL takes ACCESS EXCLUSIVE and scans the whole table unless a validated CHECK (col IS NOT NULL) already proves it (PostgreSQL 12+).",
        "ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT c; ALTER COLUMN col SET NOT NULL; DROP CONSTRAINT c;",
        LockMode.AccessExclusive);

    public static readonly LintRule VolatileDefault = new("SY007", "volatile-default-rewrites", LintSeverity.Error,
        "ADD COLUMN with a volatile default (random(), gen_random_uuid(), clock_timestamp(), nextval() / serial, identity, stored generated column) rewrites the table and every index under ACCESS EXCLUSIVE.",
        "Add the column nullable without a default, SET DEFAULT for new rows, backfill existing rows in small batches, then add NOT NULL via a validated CHECK.",
        LockMode.AccessExclusive, AssumedRewrite: true);

    public static readonly LintRule ColumnTypeChange = new("SY008", "column-type-change", LintSeverity.Error,
        "ALTER COLUMN ... TYPE takes ACCESS EXCLUSIVE and rewrites the table and its indexes unless the types are binary-coercible; old application versions also break on the new type.",
        "Add a new column of the new type, keep both in sync with a trigger, backfill in batches, switch readers, then drop the old column.",
        LockMode.AccessExclusive, AssumedRewrite: true);

    public static readonly LintRule RenameInUse = new("SY009", "rename-breaks-running-code", LintSeverity.Error,
        "Renaming a column or table breaks every running application version, view, function and report that uses the old name the moment it commits.",
        "Add the new column (or a view with the new name), write both, move readers, then drop the old name after no code uses it.",
        LockMode.AccessExclusive);

    public static readonly LintRule DropColumnInUse = new("SY010", "drop-column-in-use", LintSeverity.Warning,
        "Dropping a column breaks old application instances (rolling deploys) and any view, trigger or function that uses it; it cannot be undone without a restore.",
        "Stop all reads and writes of the column first (deploy code that ignores it, keep a compat view for reports), then drop it in the Contract phase.",
        LockMode.AccessExclusive);

    public static readonly LintRule MissingLockTimeout = new("SY011", "lock-timeout-missing", LintSeverity.Error,
        "DDL without lock_timeout waits in the lock queue behind any long transaction, and every later reader and writer of the table queues behind it: payments freeze.",
        "SET lock_timeout = '200ms'; at the top of the file (or SET LOCAL inside each transaction) and retry on timeout.");

    public static readonly LintRule MissingStatementTimeout = new("SY012", "statement-timeout-missing", LintSeverity.Warning,
        "DDL without statement_timeout can hold its lock for as long as an unexpected scan or rewrite takes.",
        "SET statement_timeout = '60s'; at the top of the file (CONCURRENTLY builds may need a longer one of their own).");

    public static readonly LintRule TableRewriteMaintenance = new("SY013", "vacuum-full-or-cluster", LintSeverity.Error,
        "VACUUM FULL and CLUSTER rewrite the whole table under ACCESS EXCLUSIVE: nothing can read or write it until they finish.",
        "Use pg_repack (online), or plain VACUUM; for index bloat REINDEX CONCURRENTLY.",
        LockMode.AccessExclusive, AssumedRewrite: true);

    public static readonly LintRule NotNullColumnWithoutDefault = new("SY014", "not-null-column-without-default", LintSeverity.Error,
        "ADD COLUMN ... NOT NULL without a DEFAULT fails on any table that has rows (and old application versions cannot insert once it exists).",
        "Add the column nullable, backfill, then CHECK (col IS NOT NULL) NOT VALID, VALIDATE, SET NOT NULL; or give it a constant DEFAULT.",
        LockMode.AccessExclusive);

    public static readonly LintRule UniqueWithoutIndex = new("SY015", "unique-constraint-not-from-concurrent-index", LintSeverity.Error,
        "ADD CONSTRAINT ... UNIQUE / PRIMARY KEY builds its index while holding ACCESS EXCLUSIVE: reads and writes stop for the whole build.",
        "CREATE UNIQUE INDEX CONCURRENTLY idx ON t (...); then ALTER TABLE t ADD CONSTRAINT c UNIQUE USING INDEX idx; (or PRIMARY KEY USING INDEX).",
        LockMode.AccessExclusive);

    public static readonly LintRule StableDefaultFrozen = new("SY016", "stable-default-frozen", LintSeverity.Info,
        "A default such as now() or current_timestamp is STABLE, not volatile: PostgreSQL 11+ adds the column without a rewrite, but every existing row gets the single value of the ALTER's transaction time.",
        "If existing rows need their own values, add the column nullable and backfill them; otherwise this is fine.",
        LockMode.AccessExclusive);

    public static readonly LintRule MeasuredRewrite = new("SY017", "measured-table-rewrite", LintSeverity.Error,
        "Measured on a schema clone: the statement rewrote a table (its relfilenode changed), holding ACCESS EXCLUSIVE for as long as copying every row takes.",
        "Express the change as add-new-column + backfill + switch, or schedule it in a maintenance window.",
        LockMode.AccessExclusive, AssumedRewrite: true);

    public static readonly LintRule ReindexWithoutConcurrently = new("SY018", "reindex-not-concurrent", LintSeverity.Error,
        "REINDEX without CONCURRENTLY blocks writes to the table (and reads that would use the index) for the whole rebuild.",
        "REINDEX INDEX CONCURRENTLY ... (PostgreSQL 12+, outside a transaction block).",
        LockMode.Share);

    public static readonly LintRule PlanLockUnderDeclared = new("SY019", "plan-lock-under-declared", LintSeverity.Warning,
        "A spec step took a stronger lock on the schema clone than its plan declares; the engine waits outside the lock queue only for holders conflicting with the declared mode.",
        "Declare the measured lock on the step (Planning) so the conflict gate waits for the right holders.");

    public static readonly LintRule TableRewriteStatement = new("SY020", "table-rewrite-statement", LintSeverity.Error,
        "SET LOGGED / UNLOGGED, SET TABLESPACE, SET ACCESS METHOD, TRUNCATE and REFRESH MATERIALIZED VIEW write a new copy of the relation under ACCESS EXCLUSIVE: nothing can read or write it until they finish (TRUNCATE also deletes every row).",
        "Schedule it in a maintenance window, or build the new shape online (new table + backfill + switch); REFRESH MATERIALIZED VIEW CONCURRENTLY with a unique index.",
        LockMode.AccessExclusive, AssumedRewrite: true);

    public static readonly LintRule ExplicitTableLock = new("SY021", "explicit-table-lock", LintSeverity.Error,
        "LOCK TABLE (ACCESS EXCLUSIVE unless a mode is given) holds the lock until the transaction ends: every statement after it in the transaction runs with the table blocked, and the LOCK itself queues every later reader and writer while it waits.",
        "Drop the LOCK: each DDL statement takes the lock it needs, briefly, under lock_timeout with retry.",
        LockMode.AccessExclusive);

    public static readonly LintRule UnmeasuredAccessExclusive = new("SY022", "unmeasured-access-exclusive", LintSeverity.Error,
        "The statement takes ACCESS EXCLUSIVE per the PostgreSQL manual but failed on the schema clone, so whether it only changes the catalog or also rewrites or scans the table was not measured.",
        "Fix what made it fail on the clone (the measured-lock column says why) and lint again; or express the change as add-new-column + backfill + switch.",
        LockMode.AccessExclusive);

    public static readonly LintRule WholeTableDml = new("SY023", "whole-table-dml", LintSeverity.Error,
        "UPDATE or DELETE without WHERE changes every row of a live table in one transaction: each row stays locked against concurrent writes until commit, and the WAL and dead tuples of the whole table arrive at once (standbys lag, vacuum falls behind).",
        "Change rows in primary-key batches of a few thousand, each its own transaction, with a pause between batches (as Switchyard's backfill does).",
        LockMode.RowExclusive);

    public static IReadOnlyList<LintRule> All { get; } =
    [
        IndexWithoutConcurrently, DropIndexWithoutConcurrently, ConcurrentlyInTransaction, ForeignKeyWithoutNotValid,
        CheckWithoutNotValid, SetNotNullWithoutCheck, VolatileDefault, ColumnTypeChange, RenameInUse, DropColumnInUse,
        MissingLockTimeout, MissingStatementTimeout, TableRewriteMaintenance, NotNullColumnWithoutDefault, UniqueWithoutIndex,
        StableDefaultFrozen, MeasuredRewrite, ReindexWithoutConcurrently, PlanLockUnderDeclared, TableRewriteStatement,
        ExplicitTableLock, UnmeasuredAccessExclusive, WholeTableDml,
    ];
}
