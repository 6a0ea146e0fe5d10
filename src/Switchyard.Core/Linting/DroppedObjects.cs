using Switchyard.Core.Execution;

namespace Switchyard.Core.Linting;

/// <summary>
/// Reads which functions, triggers and views a statement drops, so that a later <c>DROP COLUMN</c> is not blamed on a
/// user the same file has already removed (a migration drops its own dual-write trigger and function before the column).
/// Keys: <c>function schema.name</c>, <c>trigger name on schema.table</c>, <c>view schema.name</c>.
/// </summary>
internal static class DroppedObjects
{
    public static string FunctionKey(QualifiedName function) => $"function {function}";

    public static string TriggerKey(string trigger, QualifiedName table) => $"trigger {trigger} on {table}";

    public static string ViewKey(QualifiedName view) => $"view {view}";

    public static void Track(SqlStatement statement, TokenSpan t, LintContext context)
    {
        if (!statement.StartsWith("drop")) return;
        if (t.Is(1, "trigger"))
        {
            var at = t.Skip(2, "if", "exists");
            if (at >= t.Count || !t[at].IsIdentifier || !t.Is(at + 1, "on")) return;
            var trigger = t[at].Value;
            at += 2;
            if (t.ReadName(ref at) is { } table) context.ObjectDropped(TriggerKey(trigger, table), statement.Index);
            return;
        }
        Func<QualifiedName, string>? key = t.Is(1, "function") || t.Is(1, "procedure") || t.Is(1, "routine") ? FunctionKey
            : t.Is(1, "view") ? ViewKey
            : null;
        var first = 2;
        if (t.Is(1, "materialized", "view"))
        {
            key = ViewKey;
            first = 3;
        }
        if (key is null) return;
        // DROP FUNCTION [IF EXISTS] name [(args)] [, ...]
        var i = t.Skip(first, "if", "exists");
        while (t.ReadName(ref i) is { } name)
        {
            context.ObjectDropped(key(name), statement.Index);
            if (i < t.Count && t[i].IsSymbol("(")) i = AfterParentheses(t, i);
            if (i >= t.Count || !t[i].IsSymbol(",")) return;
            i++;
        }
    }

    private static int AfterParentheses(TokenSpan t, int open)
    {
        var depth = 0;
        for (var i = open; i < t.Count; i++)
        {
            if (t[i].IsSymbol("(")) depth++;
            else if (t[i].IsSymbol(")") && --depth == 0) return i + 1;
        }
        return t.Count;
    }
}
