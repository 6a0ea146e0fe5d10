using Switchyard.Core.Backfill;
using Switchyard.Core.Catalog;
using Switchyard.Core.Execution;
using Switchyard.Core.Planning;
using static Switchyard.Core.Operations.Shared.OperationSteps;

namespace Switchyard.Core.Operations.Shared;

/// <summary>
/// The BEFORE INSERT OR UPDATE trigger an operation installs in Expand so every write (old or new application) gets
/// its <c>up</c> / <c>down</c> applied, the backfill that fires it for existing rows, and its removal in Contract.
/// Inside the trigger each column of the row is a PL/pgSQL variable of its own name, so an author's <c>up</c> such as
/// <c>UPPER(name)</c> reads the row being written, as in pgroll.
/// </summary>
internal static class RowTriggers
{
    public static QualifiedName Function(QualifiedName table, string column, string purpose) =>
        new("switchyard", Ident.Fit($"sy_{purpose}_{table.Name}_{column}", $"{table}.{column}.{purpose}"));

    public static string TriggerName(QualifiedName table, string column, string purpose) => Ident.Fit($"sy_{purpose}_{column}", $"{table}.{column}.{purpose}");

    /// <summary>One variable per column, holding the row's value (<paramref name="valueOf"/> may point a name at another column).</summary>
    public static string Declare(QualifiedName table, IEnumerable<CatalogColumn> columns, Func<string, string>? valueOf = null) =>
        string.Concat(columns.Select(c =>
            $"    {Ident.Quote(c.Name)} {table.Sql}.{Ident.Quote(valueOf?.Invoke(c.Name) ?? c.Name)}%TYPE := NEW.{Ident.Quote(valueOf?.Invoke(c.Name) ?? c.Name)};\n"));

    /// <summary>The function and trigger (Expand) whose <paramref name="body"/> is the PL/pgSQL between BEGIN and RETURN NEW.</summary>
    public static IEnumerable<PlanStep> Install(OperationPlanContext ctx, QualifiedName table, string column, string purpose, string body, string description)
    {
        var fn = Function(table, column, purpose);
        var trigger = TriggerName(table, column, purpose);
        var code = $"\nBEGIN\n{body}\n    RETURN NEW;\nEND\n";
        var tag = Ident.DollarTag(code);
        yield return Step(ctx, MigrationPhase.Expand, $"{table.Name}.{column}.{purpose}.function", $"Create trigger function {fn}: {description}",
            Ddl($"CREATE OR REPLACE FUNCTION {fn.Sql}() RETURNS trigger LANGUAGE plpgsql AS {tag}{code}{tag}", null, LockMode.None),
            Undo($"Drop function {fn}", Ddl($"DROP FUNCTION IF EXISTS {fn.Sql}()", null, LockMode.None)));
        yield return Step(ctx, MigrationPhase.Expand, $"{table.Name}.{column}.{purpose}.trigger", $"Create trigger {trigger} on {table} (every insert and update from now on)",
            Ddl($"CREATE OR REPLACE TRIGGER {Ident.Quote(trigger)} BEFORE INSERT OR UPDATE ON {table.Sql} FOR EACH ROW EXECUTE FUNCTION {fn.Sql}()", table, LockMode.ShareRowExclusive),
            Undo($"Drop trigger {trigger}", Ddl($"DROP TRIGGER IF EXISTS {Ident.Quote(trigger)} ON {table.Sql}", table, LockMode.AccessExclusive)));
    }

    /// <summary>
    /// Fires the trigger for every existing row: an UPDATE that sets <paramref name="touch"/> to itself. On a table whose
    /// primary key is one integer column it is the keyset-batched, resumable, throttled backfill (a
    /// <see cref="StepKind.Backfill"/> step with a <see cref="RowTouchTarget"/>); otherwise one UPDATE, and it says so.
    /// </summary>
    public static PlanStep Backfill(OperationPlanContext ctx, QualifiedName table, string column, string touch, string purpose)
    {
        var what = $"{table.Name}.{column}.{purpose}.backfill";
        var undo = Nothing("Nothing: Expand's undo removes what the backfill filled.");
        if (ctx.Columns(table).FirstOrDefault(c => c.SoleIntegerKey) is { } key)
        {
            var target = new RowTouchTarget(table, key.Name, touch, ctx.Key(MigrationPhase.Backfill, what));
            return new PlanStep(target.StepKey, MigrationPhase.Backfill, StepKind.Backfill,
                $"Backfill {table}.{column}: every existing row passes through the trigger, in keyset batches on {key.Name} (resumable, throttled)",
                TouchStatements.PlanSql(target), LockMode.RowExclusive, table.ToString(), false, undo,
                Traits: StepTraits.WritesRows | StepTraits.Scans, BackfillTarget: target);
        }
        return Step(ctx, MigrationPhase.Backfill, what,
            $"Backfill {table}.{column}: every existing row passes through the trigger in ONE UPDATE (one transaction: {table} has no single-column integer primary key to batch by)",
            Ddl($"UPDATE {table.Sql} SET {Ident.Quote(touch)} = {Ident.Quote(touch)}", table, LockMode.RowExclusive),
            undo, StepTraits.WritesRows | StepTraits.Scans);
    }

    /// <summary>Drops the trigger and its function (Contract).</summary>
    public static IEnumerable<PlanStep> Remove(OperationPlanContext ctx, QualifiedName table, string column, string purpose)
    {
        var trigger = TriggerName(table, column, purpose);
        yield return Step(ctx, MigrationPhase.Contract, $"{table.Name}.{column}.{purpose}.drop_trigger", $"Drop trigger {trigger}",
            Ddl($"DROP TRIGGER IF EXISTS {Ident.Quote(trigger)} ON {table.Sql}", table, LockMode.AccessExclusive), PastPointOfNoReturn, StepTraits.Drops);
        yield return RemoveFunction(ctx, table, column, purpose);
    }

    /// <summary>Drops the function only (Contract), for an operation whose own step dropped the trigger.</summary>
    public static PlanStep RemoveFunction(OperationPlanContext ctx, QualifiedName table, string column, string purpose)
    {
        var fn = Function(table, column, purpose);
        return Step(ctx, MigrationPhase.Contract, $"{table.Name}.{column}.{purpose}.drop_function", $"Drop function {fn}",
            Ddl($"DROP FUNCTION IF EXISTS {fn.Sql}()", null, LockMode.None), PastPointOfNoReturn, StepTraits.Drops);
    }
}
