using Npgsql;

namespace Switchyard.Core.Connections;

/// <summary>Builds the pooled data source every component shares, tagged so other sessions can see who we are.</summary>
public static class DataSourceFactory
{
    public static NpgsqlDataSource Create(string connectionString, string applicationName = "switchyard")
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(builder.ApplicationName)) builder.ApplicationName = applicationName;
        // Short connect timeout: a wrong host should fail fast with a clear message, not hang.
        if (builder.Timeout == 15) builder.Timeout = 5;
        // Values travel as parameters; a literal Switchyard still writes must read the same whatever the server default.
        builder.Options = (builder.Options is { Length: > 0 } options ? options + " " : "") + "-c standard_conforming_strings=on";
        return new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
    }

    public static NpgsqlDataSource Create(ConnectionSettings settings, string applicationName = "switchyard") =>
        Create(settings.ConnectionString, applicationName);
}
