using Microsoft.CodeAnalysis;

namespace Switchyard.Analyzers;

/// <summary>
/// The diagnostics, one per <c>switchyard lint</c> rule a <c>MigrationBuilder</c> call can break. Ids match the SQL
/// linter's so one suppression list and one runbook cover both. Warnings by default: a team escalates them with
/// <c>dotnet_diagnostic.SY001.severity = error</c> in .editorconfig. Messages are "{subject}: {hazard}" because one
/// rule is found both on a typed call (CreateIndex) and in raw Sql(...) text, with different advice.
/// </summary>
public static class MigrationRules
{
    private const string Category = "Switchyard.Migrations";

    public static readonly DiagnosticDescriptor IndexWithoutConcurrently = Rule("SY001", "create-index-not-concurrent", "Index built without CONCURRENTLY");
    public static readonly DiagnosticDescriptor DropIndexWithoutConcurrently = Rule("SY002", "drop-index-not-concurrent", "Index dropped without CONCURRENTLY");
    public static readonly DiagnosticDescriptor ForeignKeyValidatedInline = Rule("SY004", "foreign-key-not-valid-missing", "Foreign key validated inline");
    public static readonly DiagnosticDescriptor CheckValidatedInline = Rule("SY005", "check-not-valid-missing", "Check constraint validated inline");
    public static readonly DiagnosticDescriptor SetNotNull = Rule("SY006", "set-not-null-without-validated-check", "Existing column made NOT NULL");
    public static readonly DiagnosticDescriptor VolatileDefault = Rule("SY007", "volatile-default-rewrites", "Column added with a volatile default");
    public static readonly DiagnosticDescriptor ColumnTypeChange = Rule("SY008", "column-type-change", "Column type changed");
    public static readonly DiagnosticDescriptor Rename = Rule("SY009", "rename-breaks-running-code", "Column or table renamed");
    public static readonly DiagnosticDescriptor TableRewriteMaintenance = Rule("SY013", "vacuum-full-or-cluster", "VACUUM FULL or CLUSTER");
    public static readonly DiagnosticDescriptor NotNullColumnWithoutDefault = Rule("SY014", "not-null-column-without-default", "NOT NULL column added without a default");
    public static readonly DiagnosticDescriptor UniqueWithoutIndex = Rule("SY015", "unique-constraint-not-from-concurrent-index", "Unique or primary key constraint builds its index under ACCESS EXCLUSIVE");
    public static readonly DiagnosticDescriptor TableRewriteStatement = Rule("SY020", "table-rewrite-statement", "Statement rewrites or empties the table");
    public static readonly DiagnosticDescriptor ExplicitTableLock = Rule("SY021", "explicit-table-lock", "Explicit LOCK TABLE");

    /// <summary>The advice for SY001 on a typed CreateIndex call, where a one-line fix exists.</summary>
    public const string CreateIndexHazard =
        "builds without CONCURRENTLY: SHARE lock blocks every write for the whole build. Append .Annotation(\"Npgsql:CreatedConcurrently\", true) (what Npgsql's IsCreatedConcurrently() scaffolds); CONCURRENTLY cannot run in a transaction, so Npgsql runs it outside one: keep it in a migration of its own";

    /// <summary>Why the rule hurts and the safe way, for the message's second half.</summary>
    public static string Hazard(DiagnosticDescriptor rule) => rule.Id switch
    {
        "SY001" => "CREATE INDEX without CONCURRENTLY takes SHARE: every write waits for the whole build. Use CREATE INDEX CONCURRENTLY in its own Sql(..., suppressTransaction: true)",
        "SY002" => "DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the table. Use DROP INDEX CONCURRENTLY outside a transaction",
        "SY004" => "a foreign key validated inline holds SHARE ROW EXCLUSIVE on both tables during a full scan. Add it NOT VALID via Sql(...), then VALIDATE CONSTRAINT in a later step",
        "SY005" => "a check validated inline holds ACCESS EXCLUSIVE during a full scan. Add it NOT VALID via Sql(...), then VALIDATE CONSTRAINT",
        "SY006" => "SET NOT NULL holds ACCESS EXCLUSIVE during a full scan. First add and validate CHECK (col IS NOT NULL) NOT VALID",
        "SY007" => "a volatile default (or a stored computed column) rewrites the table and its indexes under ACCESS EXCLUSIVE. Add it nullable, backfill in batches",
        "SY008" => "a type change holds ACCESS EXCLUSIVE and rewrites the table unless binary-coercible. Add a new column, backfill, switch",
        "SY009" => "a rename breaks every running application version using the old name on commit. Add the new name, write both, then drop the old",
        "SY013" => "VACUUM FULL / CLUSTER rewrites the table under ACCESS EXCLUSIVE. Use pg_repack or plain VACUUM",
        "SY014" => "a NOT NULL column without a default fails on a table with rows. Add it nullable, backfill, then enforce NOT NULL",
        "SY015" => "the constraint builds its index under ACCESS EXCLUSIVE. Create a unique index concurrently, then ADD CONSTRAINT ... USING INDEX via Sql(...)",
        "SY020" => "TRUNCATE / SET TABLESPACE / SET LOGGED rewrites or empties the table under ACCESS EXCLUSIVE",
        "SY021" => "LOCK TABLE holds the lock until the transaction ends. Drop it: each statement takes its own lock under lock_timeout",
        _ => rule.Title.ToString(),
    };

    private static DiagnosticDescriptor Rule(string id, string name, string title) =>
        new(id, title, "{0}: {1}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
            description: "Same rule as `switchyard lint` " + id + " (" + name + "); see the README's rule list.");
}
