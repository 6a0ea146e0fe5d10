using Npgsql;

namespace Switchyard.Core.Execution;

/// <summary>A statement failed for a reason retrying will not fix, or retries ran out.</summary>
public sealed class SqlFailedException : SwitchyardException
{
    public SqlFailedException(string statement, int attempts, Exception inner)
        : base($"SQL failed after {attempts} attempt(s){Code(inner)}: {inner.Message}\n  statement: {Shorten(statement)}",
               "Read the error above; fix its cause and re-run the same command: completed steps are not repeated.", inner)
    {
        Attempts = attempts;
        SqlState = (inner as PostgresException)?.SqlState;
    }

    public SqlFailedException() : this("", 0, new InvalidOperationException()) { }

    public SqlFailedException(string message) : this(message, 0, new InvalidOperationException(message)) { }

    public SqlFailedException(string message, Exception inner) : this(message, 0, inner) { }

    public int Attempts { get; }
    public string? SqlState { get; }

    private static string Code(Exception e) => e is PostgresException pg ? $" (SQLSTATE {pg.SqlState})" : "";

    private static string Shorten(string sql)
    {
        var one = string.Join(' ', sql.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        return one.Length > 200 ? one[..197] + "..." : one;
    }
}
