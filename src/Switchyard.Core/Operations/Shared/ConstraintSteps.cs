using Switchyard.Core.Execution;
using Switchyard.Core.Planning;
using static Switchyard.Core.Operations.Shared.OperationSteps;

namespace Switchyard.Core.Operations.Shared;

/// <summary>
/// Constraints added online: CHECK and FOREIGN KEY as NOT VALID (new rows only, no scan) then VALIDATE (a scan under
/// SHARE UPDATE EXCLUSIVE); UNIQUE and PRIMARY KEY from a unique index built CONCURRENTLY, then attached USING INDEX.
/// </summary>
internal static class ConstraintSteps
{
    public static IEnumerable<PlanStep> Check(OperationPlanContext ctx, QualifiedName table, CheckSpec check, MigrationPhase addIn = MigrationPhase.Expand, MigrationPhase validateIn = MigrationPhase.Validate)
    {
        yield return Step(ctx, addIn, $"{table.Name}.{check.Name}.add", $"Add CHECK {check.Name} NOT VALID (new rows only; no scan)",
            Ddl($"ALTER TABLE {table.Sql} ADD {check.ConstraintSql(validated: false)}", table, LockMode.AccessExclusive),
            Undo($"Drop constraint {check.Name}", Ddl($"ALTER TABLE {table.Sql} DROP CONSTRAINT IF EXISTS {Ident.Quote(check.Name)}", table, LockMode.AccessExclusive)),
            appliedProbe: CatalogProbes.ConstraintExists(table, check.Name));
        yield return Validate(ctx, table, check.Name, null, validateIn);
    }

    public static IEnumerable<PlanStep> ForeignKey(OperationPlanContext ctx, QualifiedName table, string name, IReadOnlyList<string> columns, ReferenceSpec references, MigrationPhase addIn = MigrationPhase.Expand)
    {
        var add = new DdlStatement($"ALTER TABLE {table.Sql} ADD CONSTRAINT {Ident.Quote(name)} FOREIGN KEY ({string.Join(", ", columns.Select(Ident.Quote))}) {references.Sql} NOT VALID",
            [new TableLock(table, LockMode.ShareRowExclusive), new TableLock(references.Table, LockMode.ShareRowExclusive)]);
        yield return Step(ctx, addIn, $"{table.Name}.{name}.add", $"Add foreign key {name} NOT VALID (new rows only; no scan)", add,
            Undo($"Drop constraint {name}", Ddl($"ALTER TABLE {table.Sql} DROP CONSTRAINT IF EXISTS {Ident.Quote(name)}", table, LockMode.AccessExclusive)),
            appliedProbe: CatalogProbes.ConstraintExists(table, name));
        yield return Validate(ctx, table, name, references.Table);
    }

    private static PlanStep Validate(OperationPlanContext ctx, QualifiedName table, string name, QualifiedName? referenced, MigrationPhase phase = MigrationPhase.Validate) =>
        Step(ctx, phase, $"{table.Name}.{name}.validate", $"Validate {name} (scans under SHARE UPDATE EXCLUSIVE: reads and writes continue)",
            new DdlStatement($"ALTER TABLE {table.Sql} VALIDATE CONSTRAINT {Ident.Quote(name)}",
                [new TableLock(table, LockMode.ShareUpdateExclusive), .. referenced is null ? Array.Empty<TableLock>() : [new TableLock(referenced, LockMode.RowShare)]]),
            Nothing("Nothing: the constraint's own undo drops it."), StepTraits.Scans, CatalogProbes.ConstraintValidated(table, name));

    /// <summary>A unique index built CONCURRENTLY, then attached as constraint <paramref name="name"/> (UNIQUE or PRIMARY KEY).</summary>
    public static IEnumerable<PlanStep> UniqueByIndex(OperationPlanContext ctx, QualifiedName table, string name, IReadOnlyList<string> columns, bool primaryKey,
        IReadOnlyList<string>? include = null, MigrationPhase attachIn = MigrationPhase.Validate)
    {
        var index = new QualifiedName(table.Schema, name);
        var drop = $"DROP INDEX CONCURRENTLY IF EXISTS {index.Sql}";
        var includeSql = include is { Count: > 0 } ? $" INCLUDE ({string.Join(", ", include.Select(Ident.Quote))})" : "";
        yield return Step(ctx, MigrationPhase.Validate, $"{table.Name}.{name}.index", $"Build unique index {name} CONCURRENTLY (reads and writes continue)",
            Ddl($"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS {Ident.Quote(name)} ON {table.Sql} ({string.Join(", ", columns.Select(Ident.Quote))}){includeSql}",
                table, LockMode.ShareUpdateExclusive, concurrently: true, repair: drop),
            Undo($"Drop index {name} CONCURRENTLY", Ddl(drop, table, LockMode.ShareUpdateExclusive, concurrently: true)),
            StepTraits.IndexBuild, CatalogProbes.IndexValid(index), CatalogProbes.IndexInvalid(index));
        var kind = primaryKey ? "PRIMARY KEY" : "UNIQUE";
        yield return Step(ctx, attachIn, $"{table.Name}.{name}.attach", $"Attach index {name} as {kind} constraint {name} (catalog-only, brief lock{(primaryKey ? "; columns must already be NOT NULL" : "")})",
            Ddl($"ALTER TABLE {table.Sql} ADD CONSTRAINT {Ident.Quote(name)} {kind} USING INDEX {Ident.Quote(name)}", table, LockMode.AccessExclusive),
            Undo($"Drop constraint {name} (and its index)", Ddl($"ALTER TABLE {table.Sql} DROP CONSTRAINT IF EXISTS {Ident.Quote(name)}", table, LockMode.AccessExclusive)),
            appliedProbe: CatalogProbes.ConstraintExists(table, name));
    }

    /// <summary>NOT NULL without a scan under ACCESS EXCLUSIVE: CHECK NOT VALID → VALIDATE → SET NOT NULL (uses the CHECK) → drop the CHECK.</summary>
    public static IEnumerable<PlanStep> NotNull(OperationPlanContext ctx, QualifiedName table, string column)
    {
        var check = Ident.Fit($"{table.Name}_{column}_not_null", table + "." + column);
        yield return Step(ctx, MigrationPhase.Validate, $"{table.Name}.{column}.not_null.check", $"Add CHECK ({column} IS NOT NULL) NOT VALID (no scan)",
            Ddl($"ALTER TABLE {table.Sql} ADD CONSTRAINT {Ident.Quote(check)} CHECK ({Ident.Quote(column)} IS NOT NULL) NOT VALID", table, LockMode.AccessExclusive),
            Undo($"Drop constraint {check}", Ddl($"ALTER TABLE {table.Sql} DROP CONSTRAINT IF EXISTS {Ident.Quote(check)}", table, LockMode.AccessExclusive)));
        yield return Validate(ctx, table, check, null);
        yield return Step(ctx, MigrationPhase.Validate, $"{table.Name}.{column}.not_null.set", $"SET NOT NULL on {column} (the validated CHECK proves it: no scan)",
            Ddl($"ALTER TABLE {table.Sql} ALTER COLUMN {Ident.Quote(column)} SET NOT NULL", table, LockMode.AccessExclusive),
            Undo($"DROP NOT NULL on {column}", Ddl($"ALTER TABLE {table.Sql} ALTER COLUMN {Ident.Quote(column)} DROP NOT NULL", table, LockMode.AccessExclusive)));
        yield return Step(ctx, MigrationPhase.Validate, $"{table.Name}.{column}.not_null.drop_check", $"Drop the now-redundant CHECK {check}",
            Ddl($"ALTER TABLE {table.Sql} DROP CONSTRAINT IF EXISTS {Ident.Quote(check)}", table, LockMode.AccessExclusive),
            Nothing("Nothing: the column stays NOT NULL until the SET NOT NULL undo."), StepTraits.Drops);
    }
}
