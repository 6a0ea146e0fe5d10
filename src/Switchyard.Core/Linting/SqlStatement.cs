namespace Switchyard.Core.Linting;

/// <summary>One statement of a SQL file, with where it is and whether an explicit transaction block surrounds it.</summary>
/// <param name="Index">0-based position in the file.</param>
/// <param name="Text">The statement as written (comments inside kept), without the closing semicolon.</param>
/// <param name="Tokens">The statement's tokens, comments dropped.</param>
/// <param name="InTransactionBlock">True between a <c>BEGIN</c>/<c>START TRANSACTION</c> and its <c>COMMIT</c>/<c>ROLLBACK</c>.</param>
/// <param name="TransactionBlockLine">Line of the <c>BEGIN</c> that opened the surrounding block, if any.</param>
public sealed record SqlStatement(int Index, string Text, IReadOnlyList<SqlToken> Tokens, int Line, int Column, int EndOffset,
    bool InTransactionBlock, int? TransactionBlockLine)
{
    public int StartOffset => Tokens[0].Offset;

    /// <summary>Line of the <c>DO</c> whose body runs this statement, if any (see <see cref="DoBlocks"/>).</summary>
    public int? DoBlockLine { get; init; }

    /// <summary>True when the statement starts with these words, e.g. <c>StartsWith("alter", "table")</c>.</summary>
    public bool StartsWith(params string[] words)
    {
        if (Tokens.Count < words.Length) return false;
        for (var i = 0; i < words.Length; i++)
            if (!Tokens[i].Is(words[i])) return false;
        return true;
    }

    /// <summary>Transaction control: BEGIN, START TRANSACTION, COMMIT, END, ROLLBACK, ABORT, SAVEPOINT and friends.</summary>
    public bool IsTransactionControl =>
        StartsWith("begin") || StartsWith("start", "transaction") || StartsWith("commit") || StartsWith("end") ||
        StartsWith("rollback") || StartsWith("abort") || StartsWith("savepoint") || StartsWith("release") || StartsWith("prepare", "transaction");

    /// <summary>The first line of the statement, shortened for tables.</summary>
    public string Preview(int max = 80)
    {
        var flat = string.Join(' ', Text.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= max ? flat : flat[..(max - 1)] + "…";
    }
}
