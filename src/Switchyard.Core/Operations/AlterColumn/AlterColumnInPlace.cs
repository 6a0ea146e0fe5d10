using Switchyard.Core.Execution;
using Switchyard.Core.Operations.Shared;
using Switchyard.Core.Planning;
using static Switchyard.Core.Operations.Shared.OperationSteps;

namespace Switchyard.Core.Operations.AlterColumn;

/// <summary>
/// alter_column without a type change. When rows must meet something new (NOT NULL, a check, a unique key, a
/// reference) a trigger applies <c>up</c> to every write, the backfill passes every existing row through it, and the
/// constraint is added online (NOT VALID then VALIDATE; unique from a CONCURRENTLY built index). Rollback removes
/// the trigger and constraints; values <c>up</c> already rewrote stay as rewritten.
/// </summary>
internal static class AlterColumnInPlace
{
    private const string Purpose = "up";

    public static IEnumerable<PlanStep> Plan(PgrollAlterColumn a, OperationPlanContext context)
    {
        var t = a.On;
        var col = Ident.Quote(a.Column);
        if (a.Nullable == true)
            yield return Step(context, MigrationPhase.Expand, $"{t.Name}.{a.Column}.drop_not_null", $"Let {t}.{a.Column} be NULL (catalog-only)",
                Ddl($"ALTER TABLE {t.Sql} ALTER COLUMN {col} DROP NOT NULL", t, LockMode.AccessExclusive),
                Undo($"SET NOT NULL on {a.Column} again (scans the table)", Ddl($"ALTER TABLE {t.Sql} ALTER COLUMN {col} SET NOT NULL", t, LockMode.AccessExclusive)));
        if (a.HasDefault) yield return a.DefaultStep(context, MigrationPhase.Expand);
        if (a.HasComment) yield return CommentStep(context, MigrationPhase.Expand, t, a.Column, a.Comment);
        if (!a.ChangesData) yield break;
        var body = $"  DECLARE\n{RowTriggers.Declare(t, context.Columns(t))}  BEGIN\n    NEW.{col} := ({a.Up});\n  END;";
        foreach (var s in RowTriggers.Install(context, t, a.Column, Purpose, body, $"applies up to {a.Column} on every write")) yield return s;
        if (a.Check is not null)
            foreach (var s in ConstraintSteps.Check(context, t, a.Check)) yield return s;
        if (a.References is not null)
            foreach (var s in ConstraintSteps.ForeignKey(context, t, a.References.Name!, [a.Column], a.References)) yield return s;
        yield return RowTriggers.Backfill(context, t, a.Column, a.Column, Purpose);
        if (a.Nullable == false)
            foreach (var s in ConstraintSteps.NotNull(context, t, a.Column)) yield return s;
        if (a.UniqueName is not null)
            foreach (var s in ConstraintSteps.UniqueByIndex(context, t, a.UniqueName, [a.Column], primaryKey: false)) yield return s;
        foreach (var s in RowTriggers.Remove(context, t, a.Column, Purpose)) yield return s;
    }
}
