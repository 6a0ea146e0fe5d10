using Switchyard.Core.Execution;
using Switchyard.Core.Planning;
using static Switchyard.Core.Operations.Shared.OperationSteps;

namespace Switchyard.Core.Operations.Sql;

/// <summary>
/// pgroll's <c>sql</c>: author SQL (the same trust as raw_sql). <c>up</c> runs in Expand, or in Contract with
/// <c>onComplete: true</c>; <c>down</c> is its undo. Its locks are not known, so none is declared.
/// </summary>
public sealed record PgrollSql(string Up, string? Down, bool OnComplete) : UnitOperation
{
    public override string Kind => "sql";

    public override OperationBrief Brief => new(
        $"Runs author SQL in {(OnComplete ? "Contract" : "Expand")}; {(Down is null ? "it has no undo" : "its down statement undoes it")}.",
        "Not known to Switchyard: the migration's author states what the applications must do.");

    public override QualifiedName? Table => null;

    public static PgrollSql Parse(OperationFields f)
    {
        var onComplete = f.Bool("onComplete", false);
        var down = f.OptionalText("down");
        if (onComplete && down is not null)
            throw f.Error("down", "sql with onComplete: true cannot have 'down': it runs in Contract, past the point of no return.", "Remove `down`, or drop `onComplete`.");
        return new(f.Text("up"), down, onComplete);
    }

    public override IEnumerable<PlanStep> Plan(OperationPlanContext context)
    {
        var phase = OnComplete ? MigrationPhase.Contract : MigrationPhase.Expand;
        yield return Step(context, phase, "sql", OnComplete ? "Author SQL (onComplete: runs in Contract)" : "Author SQL (up)",
            Ddl(Up, null, LockMode.None),
            OnComplete ? PastPointOfNoReturn : Down is null ? Nothing("No `down` given: not undone.") : Undo("Author SQL (down)", Ddl(Down, null, LockMode.None)));
    }
}
