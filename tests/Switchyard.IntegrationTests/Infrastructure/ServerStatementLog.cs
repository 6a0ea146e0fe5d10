using System.Text;
using System.Text.RegularExpressions;
using Switchyard.Core.Execution;

namespace Switchyard.IntegrationTests.Infrastructure;

/// <summary>
/// The statement text the server received for one database, read back from the test cluster's log: proof of what
/// reached PostgreSQL as SQL, apart from the values bound to it (logged on their own DETAIL lines, which are left out).
/// </summary>
public sealed partial class ServerStatementLog
{
    private readonly string _path;
    private readonly long _start;

    private ServerStatementLog(string path, long start)
    {
        _path = path;
        _start = start;
    }

    /// <summary>Logs every statement sent to <paramref name="db"/> from the next session on, and reads from here.</summary>
    public static async Task<ServerStatementLog> StartAsync(TestDatabase db)
    {
        await db.ExecuteAsync($"ALTER DATABASE {Ident.Quote(db.Name)} SET log_statement = 'all'");
        var path = Path.Combine(db.Cluster.State!.DataDirectory, "server.log");
        return new ServerStatementLog(path, new FileInfo(path).Length);
    }

    /// <summary>The text of each statement logged since <see cref="StartAsync"/> (any database).</summary>
    public IReadOnlyList<string> Statements()
    {
        using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(_start, SeekOrigin.Begin);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var statements = new List<string>();
        StringBuilder? current = null;
        while (reader.ReadLine() is { } line)
        {
            if (EntryStart().IsMatch(line))
            {
                if (current is not null) statements.Add(current.ToString());
                var statement = StatementEntry().Match(line);
                current = statement.Success ? new StringBuilder(statement.Groups["sql"].Value) : null;
            }
            else
            {
                current?.Append('\n').Append(line);
            }
        }
        if (current is not null) statements.Add(current.ToString());
        return statements;
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")]
    private static partial Regex EntryStart();

    /// <summary>"LOG:  statement: …" (simple protocol) and "LOG:  execute &lt;name&gt;: …" (extended protocol).</summary>
    [GeneratedRegex(@"\bLOG:  (?:statement|execute [^:]*): (?<sql>.*)$")]
    private static partial Regex StatementEntry();
}
