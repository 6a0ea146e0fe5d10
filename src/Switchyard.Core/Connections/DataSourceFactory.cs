using System.Globalization;
using Npgsql;

namespace Switchyard.Core.Connections;

/// <summary>Builds the pooled data source every component shares, tagged so other sessions can see who we are.</summary>
public static class DataSourceFactory
{
    /// <summary>
    /// The session's statement_timeout, for every statement that does not set a tighter one (the SQL runner sets one per
    /// transaction). The server, not the client, ends a statement that runs too long, so no backend outlives its client.
    /// </summary>
    /// <value>The default is 30 minutes.</value>
    public static readonly TimeSpan DefaultStatementTimeout = TimeSpan.FromMinutes(30);

    public static NpgsqlDataSource Create(string connectionString, string applicationName = "switchyard") =>
        Create(connectionString, applicationName, DefaultStatementTimeout);

    /// <param name="statementTimeout">The session default statement_timeout; a connection string that sets one keeps its own.</param>
    public static NpgsqlDataSource Create(string connectionString, string applicationName, TimeSpan statementTimeout)
    {
        if (statementTimeout <= TimeSpan.Zero)
            throw new SwitchyardException($"statement_timeout must be positive, got {statementTimeout}.", "Every query Switchyard sends needs a server-side limit.");
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(builder.ApplicationName)) builder.ApplicationName = applicationName;
        // Short connect timeout: a wrong host should fail fast with a clear message, not hang.
        if (builder.Timeout == 15) builder.Timeout = 5;
        if (builder.Options?.Contains("statement_timeout", StringComparison.Ordinal) != true)
        {
            var ms = ((long)Math.Ceiling(statementTimeout.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
            builder.Options = $"{builder.Options} -c statement_timeout={ms}".Trim();
        }
        // A client-side timeout abandons a backend that keeps running (and a retry starts another): leave ending a
        // statement to the server's statement_timeout, and notice a dead peer with TCP keepalives instead.
        if (builder.CommandTimeout == 30) builder.CommandTimeout = 0;
        if (!builder.TcpKeepAlive)
        {
            builder.TcpKeepAlive = true;
            builder.TcpKeepAliveTime = 30;
            builder.TcpKeepAliveInterval = 10;
        }
        // Values travel as parameters; a literal Switchyard still writes must read the same whatever the server default.
        builder.Options = (builder.Options is { Length: > 0 } options ? options + " " : "") + "-c standard_conforming_strings=on";
        return new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
    }

    public static NpgsqlDataSource Create(ConnectionSettings settings, string applicationName = "switchyard") =>
        Create(settings.ConnectionString, applicationName);
}
