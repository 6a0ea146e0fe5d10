using System.Text.RegularExpressions;

namespace Switchyard.Core.Evidence;

/// <summary>
/// Checks the readable part of a markdown export against the record embedded in it: the tables are rendered again
/// from the record and compared line by line, naming the first cell (table, row, column) that differs.
/// </summary>
public static partial class MarkdownTableCheck
{
    /// <summary>Null when the readable part is exactly what the record renders to; else where and how it differs.</summary>
    public static string? FirstDifference(string fileText, EvidenceRecord record)
    {
        var file = ReadablePart(fileText);
        var expected = ReadablePart(EvidenceMarkdown.Render(record));
        string table = "summary";
        string[]? headers = null;
        for (var i = 0; i < Math.Max(file.Length, expected.Length); i++)
        {
            var want = i < expected.Length ? expected[i] : null;
            if (want is not null && want.StartsWith('#')) table = want.TrimStart('#', ' ');
            var wantCells = want is null ? null : Cells(want);
            if (wantCells is not null && i + 1 < expected.Length && expected[i + 1].StartsWith("|---", StringComparison.Ordinal)) headers = wantCells;
            var got = i < file.Length ? file[i] : null;
            if (string.Equals(got, want, StringComparison.Ordinal)) continue;
            var line = i + 1;
            if (want is null) return $"line {line}: \"{Short(got!)}\" is not in the record (text added to the readable part)";
            if (got is null) return $"line {line}: the readable part ends early; the record renders \"{Short(want)}\" here (text removed)";
            var gotCells = Cells(got);
            if (wantCells is null || gotCells is null || gotCells.Length != wantCells.Length)
                return $"line {line}: \"{Short(got)}\" differs from the record's \"{Short(want)}\"";
            var col = Enumerable.Range(0, wantCells.Length).First(c => !string.Equals(gotCells[c], wantCells[c], StringComparison.Ordinal));
            var column = headers is not null && col < headers.Length ? headers[col] : $"column {col + 1}";
            return $"line {line}: table \"{table}\", row \"{wantCells[0]}\", column \"{column}\" reads \"{gotCells[col]}\" but the signed record says \"{wantCells[col]}\"";
        }
        return null;
    }

    /// <summary>Everything before the embedded JSON block, with line endings normalized.</summary>
    private static string[] ReadablePart(string text)
    {
        var normalized = text.ReplaceLineEndings("\n");
        var fence = normalized.IndexOf("\n```json\n", StringComparison.Ordinal);
        return (fence < 0 ? normalized : normalized[..fence]).TrimEnd('\n').Split('\n');
    }

    /// <summary>The cells of a table row (split on unescaped pipes), or null for a line that is not a row.</summary>
    private static string[]? Cells(string line)
    {
        var trimmed = line.Trim();
        if (trimmed.Length < 2 || !trimmed.StartsWith('|') || !trimmed.EndsWith('|')) return null;
        return [.. UnescapedPipe().Split(trimmed[1..^1]).Select(c => c.Trim())];
    }

    private static string Short(string s) => s.Length <= 120 ? s : s[..117] + "...";

    [GeneratedRegex(@"(?<!\\)\|")]
    private static partial Regex UnescapedPipe();
}
