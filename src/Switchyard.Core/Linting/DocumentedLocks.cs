using Switchyard.Core.Execution;

namespace Switchyard.Core.Linting;

/// <summary>
/// What the PostgreSQL manual says a statement locks, for when the schema clone could not run it: the rules then fall
/// back to the documented lock instead of reporting the statement as fine.
/// </summary>
internal static class DocumentedLocks
{
    /// <summary>The pre-existing table the statement takes ACCESS EXCLUSIVE on, or null.</summary>
    public static QualifiedName? AccessExclusiveTable(SqlStatement statement, LintContext context)
    {
        var t = new TokenSpan(statement.Tokens);
        var at = -1;
        if (statement.StartsWith("alter", "table") && AlterTableTakesAccessExclusive(t)) at = t.Skip(t.Skip(2, "if", "exists"), "only");
        else if (statement.StartsWith("drop", "table")) at = t.Skip(2, "if", "exists");
        else if (statement.StartsWith("truncate")) at = t.Skip(t.Skip(1, "table"), "only");
        else if (statement.StartsWith("lock") && LockModeIsAccessExclusive(t)) at = t.Skip(t.Skip(1, "table"), "only");
        else if (statement.StartsWith("refresh", "materialized", "view") && !t.Is(3, "concurrently")) at = 3;
        else if (statement.StartsWith("drop", "trigger") && t.Find(2, "on") is var on and >= 0) at = on + 1;
        if (at < 0) return null;
        return t.ReadName(ref at) is { } table && !context.IsNewTable(table) ? table : null;
    }

    /// <summary><c>LOCK name</c> without <c>IN … MODE</c> is ACCESS EXCLUSIVE.</summary>
    private static bool LockModeIsAccessExclusive(TokenSpan t)
    {
        var mode = t.Find(1, "in");
        return mode < 0 || t.Is(mode + 1, "access", "exclusive");
    }

    /// <summary>Most ALTER TABLE actions take ACCESS EXCLUSIVE; these are the documented lighter ones.</summary>
    private static bool AlterTableTakesAccessExclusive(TokenSpan t)
    {
        var i = t.Skip(t.Skip(2, "if", "exists"), "only");
        if (t.ReadName(ref i) is null) return false;
        return t.SplitOnCommas(i).Any(a => a.Count > 0 && !Lighter(a));
    }

    private static bool Lighter(TokenSpan a)
    {
        var constraint = a.Is(1, "constraint") ? 3 : 1;
        return a.Is(0, "validate") || a.Is(0, "enable") || a.Is(0, "disable") || a.Is(0, "cluster", "on") ||
               a.Is(0, "set", "without", "cluster") || (a.Count > 1 && a.Is(0, "set") && a[1].IsSymbol("(")) ||
               (a.Count > 1 && a.Is(0, "reset") && a[1].IsSymbol("(")) || a.Is(0, "attach", "partition") ||
               (a.Is(0, "detach", "partition") && a.Contains("concurrently")) ||
               (a.Is(0, "add") && a.Is(constraint, "foreign", "key")) ||
               (a.Is(0, "alter") && (a.Contains("set", "statistics") || a.Find(2, "set") is var set and >= 0 && set + 1 < a.Count && a[set + 1].IsSymbol("(")));
    }
}
