using Switchyard.Core.Execution;

namespace Switchyard.Core.Linting;

/// <summary>Read-only helpers over a run of tokens: find words, read names, split on top-level commas.</summary>
public sealed class TokenSpan
{
    public TokenSpan(IReadOnlyList<SqlToken> tokens) => Tokens = tokens;

    public IReadOnlyList<SqlToken> Tokens { get; }
    public int Count => Tokens.Count;
    public SqlToken this[int i] => Tokens[i];

    public bool Is(int i, params string[] words)
    {
        if (i < 0 || i + words.Length > Tokens.Count) return false;
        for (var k = 0; k < words.Length; k++)
            if (!Tokens[i + k].Is(words[k])) return false;
        return true;
    }

    /// <summary>Index of the first occurrence of the word sequence at paren depth 0 from <paramref name="from"/>, or -1.</summary>
    public int Find(int from, params string[] words)
    {
        var depth = 0;
        for (var i = from; i < Tokens.Count; i++)
        {
            if (Tokens[i].IsSymbol("(")) depth++;
            else if (Tokens[i].IsSymbol(")")) depth--;
            else if (depth == 0 && Is(i, words)) return i;
        }
        return -1;
    }

    /// <summary>Whether the word sequence occurs anywhere, at any depth.</summary>
    public bool Contains(params string[] words)
    {
        for (var i = 0; i < Tokens.Count; i++)
            if (Is(i, words)) return true;
        return false;
    }

    public bool EndsWith(params string[] words) => Is(Tokens.Count - words.Length, words);

    /// <summary>Skips the optional words in order when present, e.g. <c>Skip(i, "if", "not", "exists")</c>.</summary>
    public int Skip(int i, params string[] words) => Is(i, words) ? i + words.Length : i;

    /// <summary>Reads <c>name</c> or <c>schema.name</c> at <paramref name="i"/>; unqualified names are taken as <c>public</c>.</summary>
    public QualifiedName? ReadName(ref int i)
    {
        if (i >= Tokens.Count || !Tokens[i].IsIdentifier) return null;
        var first = Tokens[i].Value;
        if (i + 2 < Tokens.Count && Tokens[i + 1].IsSymbol(".") && Tokens[i + 2].IsIdentifier)
        {
            var name = new QualifiedName(first, Tokens[i + 2].Value);
            i += 3;
            return name;
        }
        i++;
        return new QualifiedName("public", first);
    }

    /// <summary>Splits <c>[from, end)</c> on commas at paren depth 0.</summary>
    public IReadOnlyList<TokenSpan> SplitOnCommas(int from)
    {
        var parts = new List<TokenSpan>();
        var current = new List<SqlToken>();
        var depth = 0;
        for (var i = from; i < Tokens.Count; i++)
        {
            var t = Tokens[i];
            if (t.IsSymbol("(")) depth++;
            else if (t.IsSymbol(")")) depth--;
            if (depth == 0 && t.IsSymbol(","))
            {
                parts.Add(new TokenSpan([.. current]));
                current.Clear();
                continue;
            }
            current.Add(t);
        }
        if (current.Count > 0) parts.Add(new TokenSpan([.. current]));
        return parts;
    }

    /// <summary>The tokens from <paramref name="from"/> up to (excluding) the first top-level word in <paramref name="stopWords"/>.</summary>
    public TokenSpan Until(int from, params string[] stopWords)
    {
        var result = new List<SqlToken>();
        var depth = 0;
        for (var i = from; i < Tokens.Count; i++)
        {
            var t = Tokens[i];
            if (t.IsSymbol("(")) depth++;
            else if (t.IsSymbol(")")) depth--;
            else if (depth == 0 && t.Kind == SqlTokenKind.Word && stopWords.Contains(t.Value)) break;
            result.Add(t);
        }
        return new TokenSpan(result);
    }

    /// <summary>Function names called in this span: a word followed by an opening parenthesis.</summary>
    public IEnumerable<string> CalledFunctions()
    {
        for (var i = 0; i + 1 < Tokens.Count; i++)
            if (Tokens[i].Kind == SqlTokenKind.Word && Tokens[i + 1].IsSymbol("(")) yield return Tokens[i].Value;
    }

    /// <summary>The tokens as SQL text, spaced the way people write it: <c>now()</c>, <c>numeric(20, 0)</c>, <c>a::int</c>.</summary>
    public string Text
    {
        get
        {
            var sb = new System.Text.StringBuilder();
            for (var i = 0; i < Tokens.Count; i++)
            {
                var t = Tokens[i];
                var previous = i == 0 ? null : Tokens[i - 1];
                var tight = previous is null
                    || t.Text is ")" or "," or "::"
                    || (t.Text == "(" && previous.Kind == SqlTokenKind.Word)
                    || previous.Text is "(" or "::";
                if (!tight) sb.Append(' ');
                sb.Append(t.Text);
            }
            return sb.ToString();
        }
    }
}
