namespace Switchyard.Core.Linting;

/// <summary>What a lexed piece of SQL is; comments and whitespace are dropped by the lexer.</summary>
public enum SqlTokenKind
{
    Word,
    QuotedIdentifier,
    String,
    Number,
    Symbol,
    Semicolon,
}

/// <summary>One token with where it starts in the file (1-based line and column).</summary>
/// <param name="Value">For words the lower-cased text, for quoted identifiers the unquoted name, else the raw text.</param>
public sealed record SqlToken(SqlTokenKind Kind, string Text, string Value, int Offset, int Line, int Column)
{
    public int End => Offset + Text.Length;

    /// <summary>True when this is the unquoted keyword or name <paramref name="word"/> (case-insensitive).</summary>
    public bool Is(string word) => Kind == SqlTokenKind.Word && Value == word;

    public bool IsSymbol(string symbol) => Kind == SqlTokenKind.Symbol && Text == symbol;

    /// <summary>An identifier either way it can be written: a bare word or a double-quoted name.</summary>
    public bool IsIdentifier => Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier;
}
