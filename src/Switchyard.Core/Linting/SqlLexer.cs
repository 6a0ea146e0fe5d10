using System.Text;

namespace Switchyard.Core.Linting;

/// <summary>
/// Tokenizes PostgreSQL text the way the server does where it matters for splitting: single-quoted and E'' strings,
/// double-quoted identifiers, dollar quoting ($$ and $tag$), nested /* */ and -- comments.
/// </summary>
public static class SqlLexer
{
    public static IReadOnlyList<SqlToken> Tokenize(string sql, string source = "<sql>")
    {
        var tokens = new List<SqlToken>();
        var i = 0;
        var line = 1;
        var lineStart = 0;

        void Advance(int to)
        {
            for (; i < to && i < sql.Length; i++)
            {
                if (sql[i] == '\n') { line++; lineStart = i + 1; }
            }
        }

        while (i < sql.Length)
        {
            var c = sql[i];
            if (char.IsWhiteSpace(c)) { Advance(i + 1); continue; }
            int startLine = line, startCol = i - lineStart + 1, start = i;

            if (c == '-' && Peek(sql, i + 1) == '-')
            {
                var end = sql.IndexOf('\n', i);
                Advance(end < 0 ? sql.Length : end);
                continue;
            }
            if (c == '/' && Peek(sql, i + 1) == '*')
            {
                var depth = 0;
                var j = i;
                while (j < sql.Length)
                {
                    if (sql[j] == '/' && Peek(sql, j + 1) == '*') { depth++; j += 2; }
                    else if (sql[j] == '*' && Peek(sql, j + 1) == '/') { depth--; j += 2; if (depth == 0) break; }
                    else j++;
                }
                if (depth != 0) throw Unterminated(source, startLine, startCol, "/* comment", "Close it with */.");
                Advance(j);
                continue;
            }
            if (c == '\'' || ((c is 'E' or 'e') && Peek(sql, i + 1) == '\'' && !PrecededByWordChar(sql, i)))
            {
                var escapes = c != '\'';
                var j = escapes ? i + 2 : i + 1;
                while (true)
                {
                    if (j >= sql.Length) throw Unterminated(source, startLine, startCol, "string literal", "Close it with a single quote; write a quote inside a string as ''.");
                    if (escapes && sql[j] == '\\') { j += 2; continue; }
                    if (sql[j] == '\'')
                    {
                        if (Peek(sql, j + 1) == '\'') { j += 2; continue; }
                        j++;
                        break;
                    }
                    j++;
                }
                Emit(SqlTokenKind.String, j, sql[start..j]);
                continue;
            }
            if (c == '"')
            {
                var j = i + 1;
                var name = new StringBuilder();
                while (true)
                {
                    if (j >= sql.Length) throw Unterminated(source, startLine, startCol, "quoted identifier", "Close it with a double quote.");
                    if (sql[j] == '"')
                    {
                        if (Peek(sql, j + 1) == '"') { name.Append('"'); j += 2; continue; }
                        j++;
                        break;
                    }
                    name.Append(sql[j++]);
                }
                Emit(SqlTokenKind.QuotedIdentifier, j, name.ToString());
                continue;
            }
            if (c == '$' && DollarTag(sql, i) is { } tag)
            {
                var close = sql.IndexOf(tag, i + tag.Length, StringComparison.Ordinal);
                if (close < 0) throw Unterminated(source, startLine, startCol, $"dollar-quoted string {tag}", $"Close it with {tag}.");
                var j = close + tag.Length;
                Emit(SqlTokenKind.String, j, sql[start..j]);
                continue;
            }
            if (char.IsLetter(c) || c == '_' || c > 127)
            {
                var j = i + 1;
                while (j < sql.Length && (char.IsLetterOrDigit(sql[j]) || sql[j] is '_' or '$' || sql[j] > 127)) j++;
                Emit(SqlTokenKind.Word, j, sql[start..j].ToLowerInvariant());
                continue;
            }
            if (char.IsDigit(c) || (c == '.' && char.IsDigit(Peek(sql, i + 1))))
            {
                var j = i + 1;
                while (j < sql.Length && (char.IsLetterOrDigit(sql[j]) || sql[j] is '.' or '_')) j++;
                Emit(SqlTokenKind.Number, j, sql[start..j]);
                continue;
            }
            if (c == ';') { Emit(SqlTokenKind.Semicolon, i + 1, ";"); continue; }
            if (c == ':' && Peek(sql, i + 1) == ':') { Emit(SqlTokenKind.Symbol, i + 2, "::"); continue; }
            Emit(SqlTokenKind.Symbol, i + 1, c.ToString());

            void Emit(SqlTokenKind kind, int end, string value)
            {
                tokens.Add(new SqlToken(kind, sql[start..end], value, start, startLine, startCol));
                Advance(end);
            }
        }
        return tokens;
    }

    private static char Peek(string s, int i) => i < s.Length ? s[i] : '\0';

    private static bool PrecededByWordChar(string s, int i) => i > 0 && (char.IsLetterOrDigit(s[i - 1]) || s[i - 1] is '_' or '$');

    /// <summary>The opening <c>$tag$</c> at <paramref name="i"/>, or null when this <c>$</c> is a parameter such as <c>$1</c>.</summary>
    private static string? DollarTag(string s, int i)
    {
        if (PrecededByWordChar(s, i)) return null;
        var j = i + 1;
        if (j < s.Length && char.IsDigit(s[j])) return null;
        while (j < s.Length && (char.IsLetterOrDigit(s[j]) || s[j] == '_')) j++;
        return j < s.Length && s[j] == '$' ? s[i..(j + 1)] : null;
    }

    private static SwitchyardException Unterminated(string source, int line, int col, string what, string hint) =>
        new($"{source}:{line}:{col}: unterminated {what}.", hint);
}
