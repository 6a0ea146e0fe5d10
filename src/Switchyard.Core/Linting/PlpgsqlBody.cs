namespace Switchyard.Core.Linting;

/// <summary>
/// Finds the SQL statements a PL/pgSQL body runs: each semicolon-separated piece loses its control-structure prefix
/// (block labels, DECLARE sections, BEGIN, IF/ELSIF ... THEN, ELSE, LOOP, WHILE/FOR ... LOOP, EXCEPTION WHEN ... THEN,
/// CASE ... THEN), PL/pgSQL-only statements (assignments, PERFORM, RAISE, RETURN, ...) are left out, and
/// <c>EXECUTE 'constant'</c> yields the constant string to lint in its turn. Dynamic EXECUTE cannot be read statically.
/// </summary>
internal static class PlpgsqlBody
{
    private static readonly HashSet<string> PlpgsqlOnly =
    [
        "perform", "raise", "return", "null", "exit", "continue", "get", "open", "fetch", "close", "move", "assert",
        "call", "commit", "rollback",
    ];

    /// <summary>One thing the body runs: a SQL statement (its tokens) or the string token of an <c>EXECUTE 'constant'</c>.</summary>
    public sealed record Piece(IReadOnlyList<SqlToken> Statement, SqlToken? ExecutedString);

    public static IReadOnlyList<Piece> Pieces(IReadOnlyList<SqlToken> body)
    {
        var pieces = new List<Piece>();
        var inDeclare = false;
        foreach (var raw in SplitOnSemicolons(body))
        {
            var t = new TokenSpan(raw);
            var i = 0;
            while (i < t.Count)
            {
                if (inDeclare)
                {
                    var begin = IndexOfWord(t, i, "begin");
                    if (begin < 0) { i = t.Count; break; }
                    inDeclare = false;
                    i = begin + 1;
                }
                else if (t[i].IsSymbol("<") && i + 1 < t.Count && t[i + 1].IsSymbol("<"))
                {
                    i = AfterLabel(t, i);
                }
                else if (t[i].Is("declare")) { inDeclare = true; i++; }
                else if (t[i].Is("begin") || t[i].Is("else") || t[i].Is("loop") || t[i].Is("exception")) i++;
                else if (t[i].Is("if") || t[i].Is("elsif") || t[i].Is("elseif") || t[i].Is("when") || t[i].Is("case")) i = After(t, i + 1, "then");
                else if (t[i].Is("while") || t[i].Is("for") || t[i].Is("foreach")) i = After(t, i + 1, "loop");
                else if (t[i].Is("end")) i = t.Count;
                else break;
            }
            if (i >= t.Count) continue;
            var rest = raw.Skip(i).ToList();
            if (IsPlpgsqlOnly(rest)) continue;
            if (rest[0].Is("execute"))
            {
                var constant = rest.Count >= 2 && rest[1].Kind == SqlTokenKind.String && (rest.Count == 2 || rest[2].Is("using") || rest[2].Is("into"));
                if (constant) pieces.Add(new Piece([], rest[1]));
                continue;
            }
            pieces.Add(new Piece(rest, null));
        }
        return pieces;
    }

    private static bool IsPlpgsqlOnly(IReadOnlyList<SqlToken> s)
    {
        if (s[0].Kind == SqlTokenKind.Word && PlpgsqlOnly.Contains(s[0].Value)) return true;
        // target := expr, target = expr, record.field := expr, arr[i] := expr
        var assign = s.Count > 1 && (s[1].IsSymbol("=") || s[1].IsSymbol(":") || s[1].IsSymbol(".") || s[1].IsSymbol("["))
            && s.Take(6).Zip(s.Skip(1)).Any(p => (p.First.IsSymbol(":") && p.Second.IsSymbol("=")) || p.First.IsSymbol("="));
        if (s[0].IsIdentifier && assign && !s[0].Is("update") && !s[0].Is("delete") && !s[0].Is("insert")) return true;
        // SELECT ... INTO variable reads into PL/pgSQL variables: a query, not a change.
        return s[0].Is("select") && new TokenSpan(s).Find(0, "into") >= 0;
    }

    private static List<List<SqlToken>> SplitOnSemicolons(IReadOnlyList<SqlToken> body)
    {
        var result = new List<List<SqlToken>> { new() };
        foreach (var token in body)
        {
            if (token.Kind == SqlTokenKind.Semicolon) result.Add([]);
            else result[^1].Add(token);
        }
        return [.. result.Where(p => p.Count > 0)];
    }

    private static int IndexOfWord(TokenSpan t, int from, string word)
    {
        for (var i = from; i < t.Count; i++)
            if (t[i].Is(word)) return i;
        return -1;
    }

    private static int AfterLabel(TokenSpan t, int i)
    {
        for (var j = i + 2; j + 1 < t.Count; j++)
            if (t[j].IsSymbol(">") && t[j + 1].IsSymbol(">")) return j + 2;
        return t.Count;
    }

    /// <summary>The index after the first <paramref name="word"/> outside parentheses and CASE ... END, else the end.</summary>
    private static int After(TokenSpan t, int from, string word)
    {
        var depth = 0;
        var cases = 0;
        for (var i = from; i < t.Count; i++)
        {
            if (t[i].IsSymbol("(")) depth++;
            else if (t[i].IsSymbol(")")) depth--;
            else if (depth == 0 && t[i].Is("case")) cases++;
            else if (depth == 0 && cases > 0 && t[i].Is("end")) cases--;
            else if (depth == 0 && cases == 0 && t[i].Is(word)) return i + 1;
        }
        return t.Count;
    }
}
