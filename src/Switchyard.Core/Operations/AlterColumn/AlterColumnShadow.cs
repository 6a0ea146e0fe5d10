using Switchyard.Core.Catalog;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations.Shared;
using Switchyard.Core.Planning;
using static Switchyard.Core.Operations.Shared.OperationSteps;

namespace Switchyard.Core.Operations.AlterColumn;

/// <summary>
/// alter_column with a type change, as pgroll does it: a shadow column of the new type; one trigger keeps both in sync
/// (a write of the old column computes the shadow with <c>up</c>, a write of only the shadow computes the old column
/// with <c>down</c>; an insert that gives the shadow is a new-shape write even when the old column got its default,
/// as an insert through the new version's view does); the backfill passes every row through it; NOT NULL, reference
/// and unique key are built on the shadow online; Contract drops the trigger and swaps the columns in one transaction and adds the check under the final name.
/// The old column's comment carries over to the column that replaces it unless the spec sets its own, and its plain
/// indexes are rebuilt on it (<see cref="ShadowIndexes"/>); its default does not (an expression of the old type), and
/// the swap step says so.
/// Rollback before Contract drops the shadow, trigger and function: the old column was never touched.
/// </summary>
internal static class AlterColumnShadow
{
    private const string Purpose = "sync";

    public static string ShadowName(PgrollAlterColumn a) => Ident.Fit($"_sy_new_{a.Column}", $"{a.On}.{a.Column}");

    /// <summary>
    /// The swap drops the old column: a primary key, an identity sequence or a foreign key pointing at it would be lost
    /// with it (or make the drop fail in Contract, after the whole backfill), and so would a check or foreign key of its
    /// own that the spec does not declare again. Refused before anything runs.
    /// </summary>
    private static void RefuseWhatTheSwapCannotMove(PgrollAlterColumn a, CatalogColumn old)
    {
        var what = old.Indexes.Any(i => i.Constraint == 'p') ? "is part of the table's primary key"
            : old.Identity ? "is an identity column (its sequence belongs to it)"
            : old.ReferencedBy.Count > 0 ? $"is referenced by foreign key {string.Join(", ", old.ReferencedBy)}"
            : null;
        if (what is not null)
            throw new Spec.SpecException(a.At("type"), $"alter_column cannot change the type of {a.On}.{a.Column}: it {what}, which the column swap in Contract would drop. Nothing was changed.",
                "Add a new key column with add_column (up computes it), move the constraints and references to it with create_constraint, then drop the old one in a later migration.");
        var checks = old.Checks.Where(c => c != a.Check?.Name).ToList();
        var keys = old.ForeignKeys;
        if (checks.Count + keys.Count == 0) return;
        var lost = string.Join(", ", checks.Select(c => "check " + c).Concat(keys.Select(k => "foreign key " + k)));
        throw new Spec.SpecException(a.At("type"), $"alter_column would lose {lost} of {a.On}.{a.Column}: the column swap in Contract drops the old column's constraints. Nothing was changed.",
            string.Join(" ", new[]
            {
                checks.Count == 0 ? null : $"Declare each check again on the new type in this alter_column (`check: {{ name: {checks[0]}, constraint: ... }}`), or drop it first with drop_constraint.",
                keys.Count == 0 ? null : "Drop the foreign key first with drop_constraint, then give this alter_column `references:` so it is built on the new column.",
            }.Where(h => h is not null)));
    }

    public static IEnumerable<PlanStep> Plan(PgrollAlterColumn a, OperationPlanContext context)
    {
        var t = a.On;
        var shadow = ShadowName(a);
        var (col, sh) = (Ident.Quote(a.Column), Ident.Quote(shadow));
        var live = context.Columns(t).Where(c => c.Name != shadow).ToList();
        var old = live.FirstOrDefault(c => c.Name == a.Column);
        var wasNotNull = old?.NotNull ?? false;
        if (old is not null) RefuseWhatTheSwapCannotMove(a, old);
        yield return Step(context, MigrationPhase.Expand, $"{t.Name}.{a.Column}.shadow", $"Add shadow column {t}.{shadow} {a.Type} (nullable, no default: catalog-only)",
            Ddl($"ALTER TABLE {t.Sql} ADD COLUMN {sh} {a.Type}", t, LockMode.AccessExclusive),
            Undo($"Drop shadow column {shadow}", Ddl($"ALTER TABLE {t.Sql} DROP COLUMN IF EXISTS {sh}", t, LockMode.AccessExclusive)),
            appliedProbe: CatalogProbes.ColumnExists(t, shadow));
        // The old column's comment rides on the shadow, so the swap's rename carries it with no step of its own after it.
        if (!a.HasComment && old?.Comment is { } comment) yield return CommentStep(context, MigrationPhase.Expand, t, shadow, comment);
        var others = live.Where(c => c.Name != a.Column).ToList();
        // Changes are compared as text: json, point and xml have no equality operator, and a type change may go to or from one.
        var body = $"""
              IF (TG_OP = 'INSERT' AND NEW.{sh} IS NOT NULL)
                 OR (TG_OP = 'UPDATE' AND NEW.{sh}::text IS DISTINCT FROM OLD.{sh}::text AND NEW.{col}::text IS NOT DISTINCT FROM OLD.{col}::text) THEN
                DECLARE
                {RowTriggers.Declare(t, others)}    {col} {t.Sql}.{sh}%TYPE := NEW.{sh};
                BEGIN
                  NEW.{col} := ({a.Down});
                END;
              ELSE
                DECLARE
                {RowTriggers.Declare(t, live)}  BEGIN
                  NEW.{sh} := ({a.Up});
                END;
              END IF;
            """;
        foreach (var s in RowTriggers.Install(context, t, a.Column, Purpose, body, $"keeps {a.Column} and {shadow} in sync (up one way, down the other)")) yield return s;
        if (a.References is not null)
            foreach (var s in ConstraintSteps.ForeignKey(context, t, a.References.Name!, [shadow], a.References)) yield return s;
        yield return RowTriggers.Backfill(context, t, shadow, shadow, Purpose);
        foreach (var s in ShadowProof.Gates(context, a, t, shadow, old, others)) yield return s;
        if (a.Nullable == false || (a.Nullable is null && wasNotNull))
            foreach (var s in ConstraintSteps.NotNull(context, t, shadow)) yield return s;
        if (a.UniqueName is not null)
            foreach (var s in ConstraintSteps.UniqueByIndex(context, t, a.UniqueName, [shadow], primaryKey: false)) yield return s;
        var kept = ShadowIndexes.Kept(old);
        foreach (var s in ShadowIndexes.Build(context, t, a.Column, shadow, kept)) yield return s;
        // The sync trigger goes in the swap's own transaction: dropped any earlier, a write of only the old column would
        // leave the NOT NULL shadow empty and fail; dropped any later, it would name a shadow that no longer exists.
        var trigger = Ident.Quote(RowTriggers.TriggerName(t, a.Column, Purpose));
        // The old default is an expression of the old type, which the new type may not take: it is named, not carried.
        var lostDefault = !a.HasDefault && old?.Default is { } d ? $"; its default {d} goes with it (restate it with `default:`)" : "";
        var keptText = kept.Count == 0 ? "" : $", {string.Join(", ", kept.Select(i => i.Name))} rebuilt on it";
        yield return Step(context, MigrationPhase.Contract, $"{t.Name}.{a.Column}.swap", $"Swap: drop {t}.{a.Column}, rename {shadow} to {a.Column}{keptText} (with the sync trigger's drop: one transaction, brief lock){lostDefault}{ShadowIndexes.LostText(ShadowIndexes.Lost(old))}",
            DdlStatement.Together([new TableLock(t, LockMode.AccessExclusive)],
                [$"DROP TRIGGER IF EXISTS {trigger} ON {t.Sql}", $"ALTER TABLE {t.Sql} DROP COLUMN {col}", $"ALTER TABLE {t.Sql} RENAME COLUMN {sh} TO {col}", .. ShadowIndexes.TakeOldNames(t, kept)]),
            PastPointOfNoReturn, StepTraits.Drops | StepTraits.Renames, CatalogProbes.ColumnMissing(t, shadow)) with
        {
            LintClaims =
            [
                new(Linting.LintRules.DropColumnInUse.Id, $"the old {a.Column} is replaced, not lost: the trigger kept {shadow} in step with it on every write, and Contract runs only with --confirm once no old version is left"),
                new(Linting.LintRules.RenameInUse.Id, $"{shadow} is Switchyard's shadow column, a name no application uses; it takes the column's own name"),
            ],
        };
        yield return RowTriggers.RemoveFunction(context, t, a.Column, Purpose);
        if (a.HasDefault) yield return a.DefaultStep(context, MigrationPhase.Contract);
        if (a.Check is not null)
            foreach (var s in ConstraintSteps.Check(context, t, a.Check, MigrationPhase.Contract, MigrationPhase.Contract)) yield return s;
        if (a.HasComment) yield return CommentStep(context, MigrationPhase.Contract, t, a.Column, a.Comment);
    }
}
