namespace Switchyard.Core.LocalPostgres;

/// <summary>A snapshot of the managed cluster for <c>switchyard local status</c>.</summary>
public sealed record LocalClusterStatus(
    bool Initialized,
    bool Running,
    string Home,
    string? DataDirectory,
    int? Port,
    string? ConnectionString,
    string? BinDirectory,
    int? ServerPid,
    IReadOnlyList<StandbyStatus> Standbys)
{
    /// <summary>The database commands act on when no connection is named; the connection strings point at it.</summary>
    public string DefaultDatabase => LocalClusterOptions.DefaultDatabase;
}

/// <summary>A streaming standby of the managed cluster.</summary>
public sealed record StandbyStatus(string Name, bool Running, int Port, string DataDirectory, string ConnectionString);
