using Switchyard.Core.Execution;
using Switchyard.Core.Linting;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Linting;

/// <summary>A corpus file of statements, each preceded by annotations saying what the linter must find and measure.</summary>
public sealed class LintCorpus
{
    private LintCorpus(string path, string sql, IReadOnlyList<Entry> entries)
    {
        Path = path;
        Sql = sql;
        Entries = entries;
    }

    public string Path { get; }
    public string Sql { get; }
    public IReadOnlyList<Entry> Entries { get; }

    /// <summary>One statement's expectations.</summary>
    /// <param name="Rules">Rule ids the static rules must report, exactly.</param>
    /// <param name="Locks">Measured relation → lock mode.</param>
    /// <param name="Rewrites">Tables rewritten, or null when not annotated.</param>
    /// <param name="Documented">The documented lock of a statement that cannot be measured in a transaction.</param>
    public sealed record Entry(SqlStatement Statement, IReadOnlySet<string> Rules, IReadOnlyDictionary<string, LockMode> Locks,
        IReadOnlyList<string>? Rewrites, LockMode? Documented, IReadOnlyDictionary<string, LintSeverity> MeasuredSeverity);

    public static string Folder => System.IO.Path.Combine(TestCluster.RepositoryRoot(), "tests", "Switchyard.IntegrationTests", "Linting", "Corpus");

    public static LintCorpus Load(string fileName)
    {
        var path = System.IO.Path.Combine(Folder, fileName);
        var sql = File.ReadAllText(path);
        var statements = SqlSplitter.Split(sql, path);
        var entries = new List<Entry>();
        var previousEnd = 0;
        foreach (var s in statements)
        {
            var annotations = sql[previousEnd..s.StartOffset].Split('\n')
                .Select(l => l.Trim())
                .Where(l => l.StartsWith("-- ", StringComparison.Ordinal) && l.Contains(':', StringComparison.Ordinal))
                .Select(l => l[3..].Split(':', 2))
                .Where(kv => kv[0] is "expect" or "lock" or "rewrite" or "documented" or "measured-severity")
                .ToDictionary(kv => kv[0], kv => kv[1].Trim());
            previousEnd = s.EndOffset;
            if (!annotations.TryGetValue("expect", out var expect))
                throw new InvalidOperationException($"{path}:{s.Line}: statement without an '-- expect:' annotation.");
            var rules = expect == "none" ? new HashSet<string>() : expect.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
            var locks = annotations.TryGetValue("lock", out var l)
                ? l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=')).ToDictionary(p => p[0], p => Enum.Parse<LockMode>(p[1]))
                : new Dictionary<string, LockMode>();
            IReadOnlyList<string>? rewrites = annotations.TryGetValue("rewrite", out var r)
                ? (r == "none" ? [] : r.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                : null;
            LockMode? documented = annotations.TryGetValue("documented", out var d) ? Enum.Parse<LockMode>(d) : null;
            var severities = annotations.TryGetValue("measured-severity", out var ms)
                ? ms.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=')).ToDictionary(p => p[0], p => Enum.Parse<LintSeverity>(p[1], ignoreCase: true))
                : new Dictionary<string, LintSeverity>();
            entries.Add(new Entry(s, rules, locks, rewrites, documented, severities));
        }
        return new LintCorpus(path, sql, entries);
    }
}
