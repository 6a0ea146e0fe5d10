using Microsoft.CodeAnalysis;

namespace Switchyard.Analyzers;

/// <summary>
/// The diagnostics, one per <c>switchyard lint</c> rule a <c>MigrationBuilder</c> call can break. Ids match the SQL
/// linter's so one suppression list and one runbook cover both. Warnings by default: a team escalates them with
/// <c>dotnet_diagnostic.SY001.severity = error</c> in .editorconfig.
/// </summary>
public static class MigrationRules
{
    private const string Category = "Switchyard.Migrations";

    public static readonly DiagnosticDescriptor IndexWithoutConcurrently = Rule("SY001", "create-index-not-concurrent",
        "CreateIndex '{0}' on '{1}' builds without CONCURRENTLY: SHARE lock blocks every write for the whole build. Append .Annotation(\"Npgsql:CreatedConcurrently\", true) (Npgsql's IsCreatedConcurrently); CONCURRENTLY cannot run in a transaction, so Npgsql runs it non-transactionally: keep it in its own migration.");

    public static readonly DiagnosticDescriptor DropIndexWithoutConcurrently = Rule("SY002", "drop-index-not-concurrent",
        "{0}: DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the table; use DROP INDEX CONCURRENTLY outside a transaction");

    public static readonly DiagnosticDescriptor ForeignKeyValidatedInline = Rule("SY004", "foreign-key-not-valid-missing",
        "{0} adds foreign key '{1}' on '{2}' validated inline: SHARE ROW EXCLUSIVE on both tables during a full scan. Add it NOT VALID via Sql(...), then VALIDATE CONSTRAINT in a later step.");

    public static readonly DiagnosticDescriptor CheckValidatedInline = Rule("SY005", "check-not-valid-missing",
        "{0} adds check '{1}' on '{2}' validated inline: ACCESS EXCLUSIVE during a full scan. Add it NOT VALID via Sql(...), then VALIDATE CONSTRAINT.");

    public static readonly DiagnosticDescriptor SetNotNull = Rule("SY006", "set-not-null-without-validated-check",
        "{0} makes '{1}' on '{2}' NOT NULL: ACCESS EXCLUSIVE during a full scan. First add and validate CHECK ({1} IS NOT NULL) NOT VALID.");

    public static readonly DiagnosticDescriptor VolatileDefault = Rule("SY007", "volatile-default-rewrites",
        "{0} adds '{1}' on '{2}' with a volatile default: the table and its indexes are rewritten under ACCESS EXCLUSIVE. Add it nullable, backfill in batches.");

    public static readonly DiagnosticDescriptor ColumnTypeChange = Rule("SY008", "column-type-change",
        "{0} changes the type of '{1}' on '{2}': ACCESS EXCLUSIVE and a table rewrite unless binary-coercible. Add a new column, backfill, switch.");

    public static readonly DiagnosticDescriptor Rename = Rule("SY009", "rename-breaks-running-code",
        "{0} renames '{1}': every running application version using the old name breaks on commit. Add the new name, write both, then drop the old.");

    public static readonly DiagnosticDescriptor TableRewriteMaintenance = Rule("SY013", "vacuum-full-or-cluster",
        "{0}: VACUUM FULL / CLUSTER rewrites the table under ACCESS EXCLUSIVE; use pg_repack or plain VACUUM");

    public static readonly DiagnosticDescriptor NotNullColumnWithoutDefault = Rule("SY014", "not-null-column-without-default",
        "{0} adds NOT NULL column '{1}' to '{2}' without a default: fails on a table with rows. Add it nullable, backfill, then enforce NOT NULL.");

    public static readonly DiagnosticDescriptor UniqueWithoutIndex = Rule("SY015", "unique-constraint-not-from-concurrent-index",
        "{0} '{1}' on '{2}' builds its index under ACCESS EXCLUSIVE. Create a unique index concurrently, then ADD CONSTRAINT ... USING INDEX via Sql(...).");

    public static readonly DiagnosticDescriptor TableRewriteStatement = Rule("SY020", "table-rewrite-statement",
        "{0}: TRUNCATE / SET TABLESPACE / SET LOGGED rewrites or empties the table under ACCESS EXCLUSIVE");

    public static readonly DiagnosticDescriptor ExplicitTableLock = Rule("SY021", "explicit-table-lock",
        "{0}: LOCK TABLE holds the lock until the transaction ends; drop it and let each statement take its own lock under lock_timeout");

    private static DiagnosticDescriptor Rule(string id, string name, string message) =>
        new(id, name, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
            description: "Same rule as `switchyard lint` " + id + " (" + name + "); see the README's rule list.");
}
