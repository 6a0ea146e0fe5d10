namespace Switchyard.Core.LocalPostgres;

/// <summary>Where and how the managed local PostgreSQL cluster lives.</summary>
public sealed record LocalClusterOptions
{
    /// <summary>Folder for the cluster's data, sockets, log and password file.</summary>
    /// <value>The default is <c>$SWITCHYARD_HOME</c>, else <c>./.switchyard</c>.</value>
    public string Home { get; init; } = DefaultHome();

    /// <summary>Explicit folder of the PostgreSQL binaries; null searches the usual places.</summary>
    public string? BinDirectory { get; init; }

    /// <summary>Trade durability for speed (fsync off). Only for tests and throwaway demos.</summary>
    /// <value>The default is false: the cluster is durable.</value>
    public bool Fast { get; init; }

    /// <summary>
    /// The one database commands act on in the managed cluster when no connection is given (created on first use);
    /// <c>local status</c> shows it and every error about a missing table names it.
    /// </summary>
    public const string DefaultDatabase = "app";

    /// <summary>The superuser Switchyard creates and connects as.</summary>
    public string SuperUser { get; init; } = "switchyard";

    public static string DefaultHome()
    {
        var env = Environment.GetEnvironmentVariable("SWITCHYARD_HOME");
        return Path.GetFullPath(string.IsNullOrWhiteSpace(env) ? Path.Combine(Environment.CurrentDirectory, ".switchyard") : env);
    }
}
