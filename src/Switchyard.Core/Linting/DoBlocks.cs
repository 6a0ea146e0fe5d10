using System.Text;

namespace Switchyard.Core.Linting;

/// <summary>
/// Replaces each PL/pgSQL <c>DO</c> statement by the SQL statements its body runs (see <see cref="PlpgsqlBody"/>), so
/// the rules see them like bare statements, at their own line and column in the file. EF Core's idempotent scripts wrap
/// every migration statement in <c>DO $EF$ ... IF NOT EXISTS (...) THEN ... END IF; ... $EF$</c>. A DO body runs as
/// one transaction: its statements count as inside a transaction block.
/// </summary>
internal static class DoBlocks
{
    private const int MaxNesting = 4;

    /// <summary>A piece of text and where each of its characters is written in the file (or in the text it came from).</summary>
    private sealed record Mapped(string Text, Func<int, int> ToFile);

    public static IReadOnlyList<SqlStatement> Expand(IReadOnlyList<SqlStatement> statements, string sql)
    {
        if (!statements.Any(s => s.StartsWith("do"))) return statements;
        var positions = new FilePositions(sql);
        var result = new List<SqlStatement>(statements.Count);
        foreach (var statement in statements) Collect(statement, positions, result, 0);
        return [.. result.Select((s, i) => s with { Index = i })];
    }

    private static void Collect(SqlStatement statement, FilePositions positions, List<SqlStatement> into, int nesting)
    {
        var body = nesting < MaxNesting ? PlpgsqlBodyOf(statement) : null;
        var inner = body is null ? null : Statements(body, statement, positions, nesting);
        // A body with nothing to lint (or one that does not lex) stays as the DO statement it is.
        if (inner is null || inner.Count == 0)
        {
            into.Add(statement);
            return;
        }
        into.AddRange(inner);
    }

    /// <summary>The body of <c>DO [LANGUAGE plpgsql] 'body' [LANGUAGE plpgsql]</c>, or null for another statement or language.</summary>
    private static Mapped? PlpgsqlBodyOf(SqlStatement statement)
    {
        if (!statement.StartsWith("do")) return null;
        var t = new TokenSpan(statement.Tokens);
        var language = t.Find(1, "language");
        if (language >= 0 && language + 1 < t.Count && t[language + 1].Value.Trim('\'').ToLowerInvariant() != "plpgsql") return null;
        var body = statement.Tokens.Skip(1).FirstOrDefault(x => x.Kind == SqlTokenKind.String);
        return body is null ? null : StringContent(body);
    }

    private static List<SqlStatement>? Statements(Mapped body, SqlStatement doStatement, FilePositions positions, int nesting)
    {
        IReadOnlyList<SqlToken> tokens;
        try
        {
            tokens = SqlLexer.Tokenize(body.Text);
        }
        catch (SwitchyardException)
        {
            return null;
        }
        var result = new List<SqlStatement>();
        foreach (var piece in PlpgsqlBody.Pieces(tokens))
        {
            if (piece.ExecutedString is { } literal)
            {
                var executed = StringContent(literal);
                var mapped = new Mapped(executed.Text, i => body.ToFile(executed.ToFile(i)));
                IReadOnlyList<SqlStatement> split;
                try
                {
                    split = SqlSplitter.Split(mapped.Text);
                }
                catch (SwitchyardException)
                {
                    continue;
                }
                foreach (var s in split) Collect(Place(s.Tokens, mapped, doStatement, positions), positions, result, nesting + 1);
                continue;
            }
            Collect(Place(piece.Statement, body, doStatement, positions), positions, result, nesting + 1);
        }
        return result;
    }

    /// <summary>A statement of <paramref name="text"/> with its tokens moved to where they are in the file.</summary>
    private static SqlStatement Place(IReadOnlyList<SqlToken> tokens, Mapped text, SqlStatement doStatement, FilePositions positions)
    {
        var placed = tokens.Select(t =>
        {
            var offset = text.ToFile(t.Offset);
            var (line, column) = positions.At(offset);
            return t with { Offset = offset, Line = line, Column = column };
        }).ToList();
        var sql = text.Text[tokens[0].Offset..tokens[^1].End];
        return new SqlStatement(0, sql, placed, placed[0].Line, placed[0].Column, text.ToFile(tokens[^1].End - 1) + 1,
            InTransactionBlock: true, doStatement.TransactionBlockLine ?? doStatement.Line) { DoBlockLine = doStatement.DoBlockLine ?? doStatement.Line };
    }

    /// <summary>
    /// The value of a string token: dollar-quoted text as written; '…' and E'…' with their quotes and escapes undone,
    /// each character mapped back to where it is written.
    /// </summary>
    /// <remarks>Offsets map into the text the token was read from.</remarks>
    private static Mapped StringContent(SqlToken token)
    {
        var raw = token.Text;
        if (raw.StartsWith('$'))
        {
            var tagLength = raw.IndexOf('$', 1) + 1;
            var open = token.Offset + tagLength;
            return new Mapped(raw[tagLength..^tagLength], i => open + i);
        }
        var escapes = raw[0] is 'E' or 'e';
        var sb = new StringBuilder();
        var map = new List<int>();
        for (var i = escapes ? 2 : 1; i < raw.Length - 1; i++)
        {
            var at = i;
            if (raw[i] == '\'' && raw[i + 1] == '\'') i++;
            else if (escapes && raw[i] == '\\' && i + 1 < raw.Length - 1)
            {
                i++;
                sb.Append(raw[i] switch { 'n' => '\n', 't' => '\t', 'r' => '\r', 'b' => '\b', 'f' => '\f', _ => raw[i] });
                map.Add(token.Offset + at);
                continue;
            }
            sb.Append(raw[i]);
            map.Add(token.Offset + at);
        }
        map.Add(token.Offset + raw.Length - 1);
        return new Mapped(sb.ToString(), i => map[Math.Clamp(i, 0, map.Count - 1)]);
    }

    /// <summary>Line and column (1-based) of a file offset.</summary>
    private sealed class FilePositions
    {
        private readonly List<int> _lineStarts = [0];

        public FilePositions(string sql)
        {
            for (var i = 0; i < sql.Length; i++)
                if (sql[i] == '\n') _lineStarts.Add(i + 1);
        }

        public (int Line, int Column) At(int offset)
        {
            var index = _lineStarts.BinarySearch(offset);
            var line = index >= 0 ? index : ~index - 1;
            return (line + 1, offset - _lineStarts[line] + 1);
        }
    }
}
