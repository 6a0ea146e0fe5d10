namespace Switchyard.Core.Linting;

/// <summary>
/// Splits a SQL file into statements on top-level semicolons (quotes, dollar quotes and comments respected, as are
/// SQL-standard <c>BEGIN ATOMIC ... END</c> function bodies) and tracks explicit transaction blocks, so rules can see
/// context such as <c>CREATE INDEX CONCURRENTLY</c> inside <c>BEGIN ... COMMIT</c>.
/// </summary>
public static class SqlSplitter
{
    public static IReadOnlyList<SqlStatement> Split(string sql, string source = "<sql>")
    {
        var tokens = SqlLexer.Tokenize(sql, source);
        var statements = new List<SqlStatement>();
        var current = new List<SqlToken>();
        var atomicDepth = 0;
        int? blockLine = null;

        void Flush(int endOffset)
        {
            if (current.Count == 0) return;
            var first = current[0];
            var last = current[^1];
            var text = sql[first.Offset..last.End];
            var probe = new SqlStatement(statements.Count, text, [.. current], first.Line, first.Column, endOffset, false, null);
            var opens = probe.StartsWith("begin") || probe.StartsWith("start", "transaction");
            var closes = probe.StartsWith("commit") || probe.StartsWith("end") || probe.StartsWith("abort") ||
                         probe.StartsWith("prepare", "transaction") ||
                         (probe.StartsWith("rollback") && !probe.Tokens.Any(t => t.Is("to")));
            // The BEGIN and COMMIT themselves count as inside the block they delimit.
            if (opens && blockLine is null) blockLine = first.Line;
            statements.Add(probe with { InTransactionBlock = blockLine is not null, TransactionBlockLine = blockLine });
            if (closes) blockLine = null;
            current.Clear();
            atomicDepth = 0;
        }

        foreach (var token in tokens)
        {
            if (token.Kind == SqlTokenKind.Semicolon && atomicDepth == 0)
            {
                Flush(token.End);
                continue;
            }
            if (token.Kind == SqlTokenKind.Semicolon)
            {
                current.Add(token);
                continue;
            }
            if (current.Count > 0 && current[0].Is("create"))
            {
                if (token.Is("atomic") && current[^1].Is("begin")) atomicDepth++;
                else if (atomicDepth > 0 && (token.Is("case") || token.Is("begin"))) atomicDepth++;
                else if (atomicDepth > 0 && token.Is("end")) atomicDepth--;
            }
            current.Add(token);
        }
        Flush(sql.Length);
        return statements;
    }
}
