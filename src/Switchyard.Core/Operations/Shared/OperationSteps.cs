using Npgsql;
using NpgsqlTypes;
using Switchyard.Core.Execution;
using Switchyard.Core.Planning;

namespace Switchyard.Core.Operations.Shared;

/// <summary>Building blocks the operations share: one DDL step with its lock and undo, and a comment set through bound values.</summary>
internal static class OperationSteps
{
    public static DdlStatement Ddl(string sql, QualifiedName? table, LockMode mode, bool concurrently = false, string? repair = null) =>
        MigrationPlanner.Ddl(sql, table, mode, concurrently, repair);

    public static PlanStep Step(OperationPlanContext ctx, MigrationPhase phase, string what, string description, DdlStatement ddl, PlanRollback? undo,
        StepTraits traits = StepTraits.None, CatalogProbe? appliedProbe = null, CatalogProbe? halfAppliedProbe = null) =>
        MigrationPlanner.Step(ctx.Key(phase, what), phase, description, ddl, undo, appliedProbe, halfAppliedProbe, traits);

    public static PlanRollback Undo(string description, DdlStatement ddl) => MigrationPlanner.Undo(description, ddl);

    public static PlanRollback Nothing(string why) => MigrationPlanner.Nothing(why);

    public static readonly PlanRollback PastPointOfNoReturn = Nothing("Point of no return: not undone.");

    /// <summary>
    /// COMMENT ON the table (column null) or a column. The comment is a value: it is bound as a parameter and quoted
    /// by <c>switchyard.set_comment</c> with format('%L'); a null comment removes it.
    /// </summary>
    public static DdlStatement Comment(QualifiedName table, string? column, string? comment) =>
        new("SELECT switchyard.set_comment($1::text::regclass, $2, $3)", [new TableLock(table, LockMode.ShareUpdateExclusive)],
            Parameters: [table.Sql, Text(column), Text(comment)]);

    private static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    public static PlanStep CommentStep(OperationPlanContext ctx, MigrationPhase phase, QualifiedName table, string? column, string? comment) =>
        Step(ctx, phase, $"{table.Name}.{column ?? "table"}.comment", $"{(comment is null ? "Remove the comment of" : "Comment")} {table}{(column is null ? "" : "." + column)} (text bound as a parameter)",
            Comment(table, column, comment), Nothing("Nothing: a comment changes no behaviour."));
}
