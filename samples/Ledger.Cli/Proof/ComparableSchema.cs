using System.Text.RegularExpressions;

namespace Switchyard.Samples.Ledger.Cli.Proof;

/// <summary>
/// A <c>pg_dump --schema-only</c> with the journal left out, so two dumps compare as "the rollback left nothing behind".
/// Ignored, exactly: every dump entry whose header names <c>Schema: switchyard</c> (the journal's tables, sequences,
/// indexes, triggers and functions, which a run creates as it goes) and the <c>SCHEMA switchyard</c> entry itself —
/// except functions named <c>sy_*</c>, the operations' row-trigger functions, which a rollback must drop. Everything
/// else (tables, columns, types, defaults, constraints, indexes, triggers on the ledger, event triggers) is compared.
/// Also left out: the dump's session lines (<c>SET …</c>, <c>SELECT pg_catalog.set_config …</c>, psql's
/// <c>\restrict</c> / <c>\unrestrict</c> with their random key, and comments), which are no part of the schema.
/// </summary>
internal sealed partial class ComparableSchema
{
    private ComparableSchema(IReadOnlyList<string> lines, int ignoredEntries)
    {
        Lines = lines;
        IgnoredEntries = ignoredEntries;
    }

    /// <summary>The compared lines, in dump order, blank lines and the dump's own comments dropped.</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>Journal entries left out (reported, so "ignored nothing" and "ignored the journal" are told apart).</summary>
    public int IgnoredEntries { get; }

    public static ComparableSchema From(string dump)
    {
        ArgumentNullException.ThrowIfNull(dump);
        var kept = new List<string>();
        var ignored = 0;
        var skipping = false;
        foreach (var line in dump.Split('\n'))
        {
            if (EntryHeader().Match(line) is { Success: true } header)
            {
                skipping = IsJournal(header.Groups["name"].Value, header.Groups["type"].Value, header.Groups["schema"].Value);
                if (skipping) ignored++;
                continue;
            }
            if (skipping || IsSessionLine(line)) continue;
            kept.Add(line.TrimEnd('\r'));
        }
        return new ComparableSchema(kept, ignored);
    }

    private static bool IsSessionLine(string line) =>
        line.Length == 0 || line.StartsWith("--", StringComparison.Ordinal) || line.StartsWith("SET ", StringComparison.Ordinal)
        || line.StartsWith("SELECT pg_catalog.set_config(", StringComparison.Ordinal)
        || line.StartsWith("\\restrict ", StringComparison.Ordinal) || line.StartsWith("\\unrestrict ", StringComparison.Ordinal);

    private static bool IsJournal(string name, string type, string schema) =>
        (type == "SCHEMA" && name == "switchyard") || (schema == "switchyard" && !(type == "FUNCTION" && name.StartsWith("sy_", StringComparison.Ordinal)));

    /// <summary>Lines only one side has, as "- line" (only in <paramref name="before"/>) and "+ line" (only in this); empty when identical.</summary>
    public IReadOnlyList<string> DiffFrom(ComparableSchema before)
    {
        ArgumentNullException.ThrowIfNull(before);
        if (Lines.SequenceEqual(before.Lines)) return [];
        var removed = Subtract(before.Lines, Lines).Select(l => "- " + l);
        var added = Subtract(Lines, before.Lines).Select(l => "+ " + l);
        var diff = removed.Concat(added).ToList();
        // Same lines in another order (a column or constraint recreated elsewhere) is a difference too.
        return diff.Count > 0 ? diff : ["~ same lines in a different order"];
    }

    /// <summary><paramref name="from"/> minus <paramref name="take"/>, counting repeats (a multiset difference).</summary>
    private static IEnumerable<string> Subtract(IReadOnlyList<string> from, IReadOnlyList<string> take)
    {
        var counts = take.GroupBy(l => l, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        foreach (var line in from)
        {
            if (counts.TryGetValue(line, out var n) && n > 0) counts[line] = n - 1;
            else yield return line;
        }
    }

    [GeneratedRegex("^-- (Data for )?Name: (?<name>.*); Type: (?<type>.*); Schema: (?<schema>.*); Owner: .*$")]
    private static partial Regex EntryHeader();
}
