using Switchyard.Core.Execution;

namespace Switchyard.Core.Linting;

/// <summary>The rules for statements that hold or touch a whole table: TRUNCATE, LOCK, REFRESH MATERIALIZED VIEW, UPDATE/DELETE without WHERE.</summary>
internal static class WholeTableStatements
{
    // Every mode from SHARE up blocks writes; the weaker ones are what plain reads and writes take anyway.
    private static readonly string[][] WriteBlockingModes =
        [["access", "exclusive"], ["exclusive"], ["share", "row", "exclusive"], ["share"]];

    /// <summary><c>TRUNCATE [TABLE] [ONLY] name [*] [, ...]</c>: true when it locks a table that existed before the file.</summary>
    public static bool Truncate(SqlStatement statement, TokenSpan t, LintContext context, List<LintFinding> findings)
    {
        var existing = Tables(t, t.Skip(1, "table"), context);
        foreach (var table in existing)
            findings.Add(LintFinding.For(LintRules.TableRewriteStatement, statement,
                $"TRUNCATE {table} deletes every row and swaps in an empty file under ACCESS EXCLUSIVE.", table.ToString()));
        return existing.Count > 0;
    }

    /// <summary><c>LOCK [TABLE] [ONLY] name [, ...] [IN mode MODE] [NOWAIT]</c>.</summary>
    public static bool Lock(SqlStatement statement, TokenSpan t, LintContext context, List<LintFinding> findings)
    {
        var existing = Tables(t, t.Skip(1, "table"), context);
        var @in = t.Find(1, "in");
        var mode = @in < 0 ? "ACCESS EXCLUSIVE" : string.Join(' ', t.Tokens.Skip(@in + 1).TakeWhile(x => !x.Is("mode")).Select(x => x.Value.ToUpperInvariant()));
        var blocksWrites = @in < 0 || WriteBlockingModes.Any(m => t.Is(@in + 1, [.. m, "mode"]));
        if (!blocksWrites) return existing.Count > 0;
        foreach (var table in existing)
            findings.Add(LintFinding.For(LintRules.ExplicitTableLock, statement,
                $"LOCK {table} IN {mode} MODE blocks {(mode == "ACCESS EXCLUSIVE" ? "every reader and writer" : "every writer")} of {table} until the transaction ends.", table.ToString()));
        return existing.Count > 0;
    }

    /// <summary><c>REFRESH MATERIALIZED VIEW [CONCURRENTLY] name</c>: without CONCURRENTLY it recomputes under ACCESS EXCLUSIVE.</summary>
    public static bool Refresh(SqlStatement statement, TokenSpan t, List<LintFinding> findings)
    {
        if (t.Is(3, "concurrently")) return false;
        var at = 3;
        var view = t.ReadName(ref at);
        findings.Add(LintFinding.For(LintRules.TableRewriteStatement, statement,
            $"REFRESH MATERIALIZED VIEW {view} without CONCURRENTLY recomputes it under ACCESS EXCLUSIVE: readers of {view} wait for the whole query.", view?.ToString()));
        return true;
    }

    /// <summary><c>UPDATE [ONLY] name ...</c> / <c>DELETE FROM [ONLY] name ...</c> with no WHERE on a table that existed before the file.</summary>
    public static void Dml(SqlStatement statement, TokenSpan t, LintContext context, List<LintFinding> findings)
    {
        var at = t.Skip(statement.StartsWith("update") ? 1 : 2, "only");
        if (t.ReadName(ref at) is not { } table || context.IsNewTable(table) || t.Find(at, "where") >= 0) return;
        var verb = statement.StartsWith("update") ? "UPDATE" : "DELETE";
        findings.Add(LintFinding.For(LintRules.WholeTableDml, statement,
            $"{verb} {table} without WHERE changes every row of {table} in one transaction.", table.ToString()));
    }

    private static List<QualifiedName> Tables(TokenSpan t, int at, LintContext context)
    {
        var tables = new List<QualifiedName>();
        at = t.Skip(at, "only");
        while (t.ReadName(ref at) is { } table)
        {
            if (!context.IsNewTable(table)) tables.Add(table);
            if (at < t.Count && t[at].IsSymbol("*")) at++;
            if (at >= t.Count || !t[at].IsSymbol(",")) break;
            at = t.Skip(at + 1, "only");
        }
        return tables;
    }
}
