using Switchyard.Core.Execution;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;
using YamlDotNet.RepresentationModel;
using static Switchyard.Core.Operations.Shared.OperationSteps;

namespace Switchyard.Core.Operations.RawSql;

/// <summary><c>raw_sql</c>: one statement up and one down, in a named phase, with the table lock it takes.</summary>
public sealed record RawSqlOperation(string Up, string? Down, MigrationPhase Phase, QualifiedName? LockTable, LockMode Lock) : UnitOperation
{
    public override string Kind => "raw_sql";

    public override QualifiedName? Table => LockTable;

    public override OperationBrief Brief => new(
        $"Runs author SQL in {Phase} (declared lock: {(LockTable is null ? "none" : $"{LockModes.SqlName(Lock)} on {LockTable}")}); {(Down is null ? "it has no undo" : "its down statement undoes it")}.",
        "Not known to Switchyard: the spec's author states what the applications must do.");

    /// <summary>Reads the operation from its spec mapping (file:line:col errors through the spec reader).</summary>
    internal static RawSqlOperation Parse(SpecLoader.Reader r, YamlMappingNode map)
    {
        r.Only(map, "up", "down", "phase", "table", "lock");
        var phaseText = r.OptionalText(map, "phase") ?? "expand";
        if (!Enum.TryParse<MigrationPhase>(phaseText, true, out var phase) || !Enum.IsDefined(phase))
            throw r.Error(r.Required(map, "phase", ""), $"unknown phase '{phaseText}'.", "Use expand, backfill, validate, cutover or contract.");
        var lockText = r.OptionalText(map, "lock") ?? "none";
        var mode = Enum.GetValues<LockMode>().FirstOrDefault(m => LockModes.SqlName(m).Equals(lockText.Replace('_', ' '), StringComparison.OrdinalIgnoreCase), (LockMode)(-1));
        if ((int)mode < 0)
            throw r.Error(r.Required(map, "lock", ""), $"unknown lock mode '{lockText}'.", "Use a PostgreSQL table lock mode such as access_exclusive or share_update_exclusive, or none.");
        var table = r.OptionalText(map, "table") is { } t ? QualifiedName.Parse(t) : null;
        if (mode != LockMode.None && table is null)
            throw r.Error(map, "raw_sql declares a lock but no table.", "Add `table: <the table the statement locks>`.");
        return new RawSqlOperation(r.RequiredText(map, "up", "CREATE ..."), r.OptionalText(map, "down"), phase, table, mode);
    }

    /// <remarks>The key counts the steps planned before it, as journals written before operations were units did.</remarks>
    public override IEnumerable<PlanStep> Plan(OperationPlanContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var key = $"{Phase.ToString().ToLowerInvariant()}.raw_sql.{context.StepsBefore.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        return [MigrationPlanner.Step(key, Phase, "raw SQL", Ddl(Up, LockTable, Lock),
            Down is null ? Nothing("No `down` given: not undone.") : Undo("raw SQL down", Ddl(Down, LockTable, Lock)))];
    }
}
