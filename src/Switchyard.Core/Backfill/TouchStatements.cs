using Npgsql;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations;

namespace Switchyard.Core.Backfill;

/// <summary>
/// The batch of an operation unit's backfill: <c>UPDATE t SET c = c</c> over the trail window [$1, $2), so every row
/// passes through the operation's BEFORE UPDATE trigger once. The trigger is not told to stand aside: it does the work.
/// The runner turns the HOT passes off for it (a touch has no "already done" test to skip the lead's rows).
/// </summary>
internal sealed class TouchStatements(RowTouchTarget target) : IBackfillBatch
{
    private readonly string _key = Ident.Quote(target.KeyColumn);
    private readonly string _touch = Ident.Quote(target.TouchColumn);

    public IReadOnlyList<NpgsqlParameter> BatchParameters => [];

    public bool TriggerStandsAside => false;

    public string? PassSqlFor(string table) => null;

    public string BatchSqlFor(string table) => BatchCursorSql.Around($"""
            UPDATE {table} t SET {_touch} = t.{_touch}
            WHERE t.{_key} >= $1 AND t.{_key} < $2
            RETURNING 1
        """);

    /// <summary>The batch as the plan shows it.</summary>
    public static string PlanSql(RowTouchTarget target) => new TouchStatements(target).BatchSqlFor(target.Table.Sql);
}
