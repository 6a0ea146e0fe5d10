using Switchyard.Core.Execution;
using Switchyard.Core.Planning;
using static Switchyard.Core.Planning.MigrationPlanner;

namespace Switchyard.Core.Operations.VersionSchemas;

/// <summary>Where the version schemas' steps go in the plan: after every Expand step, first in Contract, last in Contract.</summary>
public sealed record VersionSchemaSteps(IReadOnlyList<PlanStep> ExpandLast, IReadOnlyList<PlanStep> ContractFirst, IReadOnlyList<PlanStep> ContractLast)
{
    public static readonly VersionSchemaSteps None = new([], [], []);

    /// <summary>
    /// Expand ends by creating the previous version's schema (views of the old shape) and the new version's schema
    /// (views of the new shape). Rolling back Expand drops both (exactly as before); an application whose search path
    /// lists the table's own schema after its version schema falls through to the table and keeps running. Contract starts by dropping the previous version's schema and
    /// any earlier Switchyard version schema with views on these tables (the old application must be gone, as Contract's
    /// --confirm already says; and a view on a column would stop Contract from dropping it), and ends by recreating the
    /// new version's views over the final column names. A migration without Contract steps of its own keeps both
    /// schemas; the next migration's Contract on these tables drops them.
    /// </summary>
    /// <param name="earlier">Earlier version schemas (marked as Switchyard's) holding views on the touched tables.</param>
    /// <param name="hasContract">Whether the migration's operations change anything in Contract.</param>
    public static VersionSchemaSteps Plan(VersionSchemaNames names, IReadOnlyList<TableVersions> tables, IReadOnlyList<string> earlier, bool hasContract)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(earlier);
        var expand = new List<PlanStep> { CreateSchema("previous", names.Previous, "the previous version (views of the shape before the migration)") };
        expand.AddRange(tables.Where(t => t.Old.Count > 0).Select(t => View(MigrationPhase.Expand, "previous", names.Previous, t.Physical.Name, t.Physical,
            [.. t.Old.Select(c => (c, c))], $"old shape of {t.Physical}")));
        expand.Add(CreateSchema("new", names.New, "the new version (views of the shape after the migration)"));
        expand.AddRange(tables.Where(t => t.New.Count > 0).Select(t => View(MigrationPhase.Expand, "new", names.New, t.NewViewName, t.Physical,
            [.. t.New.Select(c => (c.Name, c.During))], $"new shape of {t.Physical}")));
        if (!hasContract) return new VersionSchemaSteps(expand, [], []);
        var first = new List<PlanStep> { DropSchema("previous", names.Previous, "the previous version's schema") };
        first.AddRange(earlier.Where(e => e != names.New && e != names.Previous).Select(e => DropSchema("earlier." + e, e, "an earlier version's schema")));
        var last = tables.Where(t => t.New.Count > 0).Select(t => View(MigrationPhase.Contract, "new", names.New, t.NewViewName, t.FinalPhysical,
            [.. t.New.Select(c => (c.Name, c.After))], $"new shape of {t.FinalPhysical}, over the final columns")).ToList();
        return new VersionSchemaSteps(expand, first, last);
    }

    /// <summary>True when <paramref name="schema"/> exists and carries Switchyard's marker (so a resumed run does not create it twice).</summary>
    public static CatalogProbe IsOurs(string schema) =>
        new("SELECT coalesce(obj_description(to_regnamespace($1), 'pg_namespace') = $2, false)", [Ident.Quote(schema), VersionSchemaNames.Marker]);

    /// <summary>
    /// Rollback drops both schemas, so the database is exactly as before the migration. An application whose search
    /// path names the table's own schema after its version schema (<c>Search Path=x_previous,public</c>) then resolves
    /// the same names to the table itself, which has the old shape again, and keeps running.
    /// </summary>
    private static PlanStep CreateSchema(string role, string schema, string what) =>
        Step($"expand.version_schema.{role}", MigrationPhase.Expand, $"Create version schema {schema}: {what}",
            DdlStatement.Together([], $"CREATE SCHEMA {Ident.Quote(schema)}", $"COMMENT ON SCHEMA {Ident.Quote(schema)} IS {Ident.Literal(VersionSchemaNames.Marker)}"),
            Undo($"Drop version schema {schema} and its views (an app whose search path lists the table's schema after it falls through to the table)",
                Ddl($"DROP SCHEMA IF EXISTS {Ident.Quote(schema)} CASCADE", null, LockMode.None)),
            appliedProbe: IsOurs(schema));

    private static PlanStep DropSchema(string role, string schema, string what) =>
        Step($"contract.version_schema.{role}.drop", MigrationPhase.Contract, $"Drop version schema {schema} ({what}; no app of that version may be left)",
            Ddl($"DROP SCHEMA IF EXISTS {Ident.Quote(schema)} CASCADE", null, LockMode.None),
            Nothing("Point of no return: not undone."), traits: StepTraits.Drops);

    /// <summary>
    /// A simple auto-updatable view (one table, plain column references): INSERT, UPDATE and DELETE pass through to the
    /// table, whose triggers then fill the other version's columns. security_invoker keeps the table's privileges and
    /// row-level security in force for whoever queries the view.
    /// </summary>
    private static PlanStep View(MigrationPhase phase, string role, string schema, string name, QualifiedName table, IReadOnlyList<(string Shown, string Source)> columns, string what)
    {
        var list = string.Join(", ", columns.Select(c => c.Shown == c.Source ? Ident.Quote(c.Source) : $"{Ident.Quote(c.Source)} AS {Ident.Quote(c.Shown)}"));
        var view = new QualifiedName(schema, name);
        var undo = phase == MigrationPhase.Expand ? Nothing("Nothing: the view goes with its schema.") : Nothing("Point of no return: not undone.");
        return Step($"{phase.ToString().ToLowerInvariant()}.version_schema.{role}.{table.Schema}.{name}", phase, $"View {view}: {what} ({columns.Count} column(s))",
            Ddl($"CREATE OR REPLACE VIEW {view.Sql} WITH (security_invoker = true) AS SELECT {list} FROM {table.Sql}", table, LockMode.AccessShare), undo);
    }
}
