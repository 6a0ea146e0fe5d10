using Npgsql;

namespace Switchyard.Core.Connections;

/// <summary>A resolved target database: where the connection string came from, and a printable description.</summary>
public sealed record ConnectionSettings(string ConnectionString, string Source, bool IsManagedCluster)
{
    /// <summary>True when resolving it started the managed cluster, which was stopped (the command says so).</summary>
    public bool StartedManagedCluster { get; init; }

    /// <summary>host:port/database as user — safe to print and journal (no password).</summary>
    public string Describe()
    {
        var b = new NpgsqlConnectionStringBuilder(ConnectionString);
        return $"{b.Username}@{b.Host}:{b.Port}/{b.Database}";
    }

    /// <summary>The connection string with any password removed, for printing.</summary>
    public string Redacted()
    {
        var b = new NpgsqlConnectionStringBuilder(ConnectionString);
        if (b.Password is not null) b.Password = null;
        return b.ConnectionString;
    }

    /// <summary>The same server, another database.</summary>
    public ConnectionSettings ForDatabase(string database) =>
        this with { ConnectionString = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = database }.ConnectionString };

    public string Database => new NpgsqlConnectionStringBuilder(ConnectionString).Database ?? "postgres";
}
