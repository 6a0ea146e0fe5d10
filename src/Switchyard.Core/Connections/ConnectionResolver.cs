using System.Globalization;
using Npgsql;
using Switchyard.Core.LocalPostgres;

namespace Switchyard.Core.Connections;

/// <summary>
/// Decides which database a command talks to: <c>--connection</c>, then <c>SWITCHYARD_CONNECTION</c>, then the
/// standard <c>PG*</c> variables, and with none of these the managed local cluster (started on demand).
/// </summary>
public static class ConnectionResolver
{
    private static readonly string[] PgVariables = ["PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD", "PGPASSFILE", "PGSSLMODE"];

    public static async Task<ConnectionSettings> ResolveAsync(string? connectionOption, LocalClusterOptions localOptions, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(connectionOption))
            return new ConnectionSettings(Parse(connectionOption, "--connection"), "--connection", false);

        var fromEnv = Environment.GetEnvironmentVariable("SWITCHYARD_CONNECTION");
        if (!string.IsNullOrWhiteSpace(fromEnv))
            return new ConnectionSettings(Parse(fromEnv, "SWITCHYARD_CONNECTION"), "SWITCHYARD_CONNECTION", false);

        if (FromPgVariables() is { } pg)
            return new ConnectionSettings(pg, "PG* environment variables", false);

        var cluster = new LocalCluster(localOptions);
        var wasRunning = (await cluster.StatusAsync(ct).ConfigureAwait(false)).Running;
        await cluster.StartAsync(ct).ConfigureAwait(false);
        return new ConnectionSettings(cluster.ConnectionString(), "managed local cluster", true) { StartedManagedCluster = !wasRunning };
    }

    /// <summary>Accepts keyword form (<c>Host=..;Port=..</c> or libpq <c>host=.. port=..</c>) and <c>postgres://</c> URIs.</summary>
    public static string Parse(string value, string source)
    {
        value = value.Trim();
        try
        {
            if (value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
                return FromUri(value);
            if (!value.Contains(';', StringComparison.Ordinal) && value.Contains('=', StringComparison.Ordinal))
                return FromLibpqKeywords(value);
            return new NpgsqlConnectionStringBuilder(value).ConnectionString;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or UriFormatException or KeyNotFoundException)
        {
            // The message of the parser may echo the value, which can hold a password: keep it out.
            throw new SwitchyardException(
                $"The connection string from {source} could not be read ({e.GetType().Name}).",
                "Use keyword form `Host=db;Port=5432;Username=app;Database=ledger` or a URI `postgres://app@db:5432/ledger`.");
        }
    }

    /// <summary>libpq's <c>host=.. port=.. dbname=.. user=..</c> form, as psql users write it.</summary>
    private static string FromLibpqKeywords(string value)
    {
        var b = new NpgsqlConnectionStringBuilder();
        foreach (var pair in value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            if (kv.Length != 2) throw new FormatException("expected key=value pairs");
            b[LibpqKey(kv[0])] = kv[1];
        }
        return b.ConnectionString;
    }

    private static string LibpqKey(string key) => key switch
    {
        "dbname" => "Database",
        "user" => "Username",
        "sslmode" => "SSL Mode",
        "application_name" => "Application Name",
        "connect_timeout" => "Timeout",
        "passfile" => "Passfile",
        _ => key,
    };

    private static string FromUri(string value)
    {
        var uri = new Uri(value);
        var b = new NpgsqlConnectionStringBuilder
        {
            Host = string.IsNullOrEmpty(uri.Host) ? "localhost" : uri.Host,
            Port = uri.Port > 0 ? uri.Port : 5432,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')) is { Length: > 0 } db ? db : null,
        };
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var parts = uri.UserInfo.Split(':', 2);
            b.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2) b.Password = Uri.UnescapeDataString(parts[1]);
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]);
            var val = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
            b[LibpqKey(key)] = val;
        }
        return b.ConnectionString;
    }

    private static string? FromPgVariables()
    {
        if (!PgVariables.Any(v => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(v)))) return null;
        string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
        var b = new NpgsqlConnectionStringBuilder
        {
            Host = Env("PGHOST") ?? "localhost",
            Port = int.TryParse(Env("PGPORT"), NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 5432,
            Database = Env("PGDATABASE") ?? Env("PGUSER") ?? Environment.UserName,
            Username = Env("PGUSER") ?? Environment.UserName,
        };
        if (Env("PGPASSWORD") is { } pw) b.Password = pw;
        if (Env("PGPASSFILE") is { } pf) b.Passfile = pf;
        return b.ConnectionString;
    }
}
