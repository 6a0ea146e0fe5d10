using Npgsql;
using Switchyard.Core.Connections;
using Switchyard.Core.Execution;
using Switchyard.Core.LocalPostgres;

namespace Switchyard.IntegrationTests.Infrastructure;

/// <summary>A fresh database in the shared test cluster, dropped at the end. Use as an xunit class fixture.</summary>
public class TestDatabase : IAsyncLifetime
{
    public string Name { get; } = "t_" + Guid.NewGuid().ToString("N")[..12];
    public LocalCluster Cluster { get; private set; } = null!;
    public string ConnectionString { get; private set; } = "";
    public NpgsqlDataSource DataSource { get; private set; } = null!;
    public ConnectionSettings Settings => new(ConnectionString, "test", true);

    /// <summary>A runner with short bounds so failing tests fail fast.</summary>
    public SafeSqlRunner Runner(SafeSqlOptions? options = null) => new(DataSource, options);

    /// <summary>A data source with its own pool and application_name, e.g. for a competing session.</summary>
    public NpgsqlDataSource NewDataSource(string applicationName) =>
        DataSourceFactory.Create(new NpgsqlConnectionStringBuilder(ConnectionString) { ApplicationName = applicationName }.ConnectionString);

    public virtual async Task InitializeAsync()
    {
        Cluster = await TestCluster.GetAsync();
        await using (var admin = DataSourceFactory.Create(Cluster.ConnectionString()))
        await using (var cmd = admin.CreateCommand($"CREATE DATABASE {Ident.Quote(Name)}"))
            await cmd.ExecuteNonQueryAsync();
        ConnectionString = Cluster.ConnectionString(Name);
        DataSource = DataSourceFactory.Create(ConnectionString, "switchyard-tests");
    }

    public virtual async Task DisposeAsync()
    {
        await DataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var admin = DataSourceFactory.Create(Cluster.ConnectionString());
        await using var cmd = admin.CreateCommand($"DROP DATABASE IF EXISTS {Ident.Quote(Name)} WITH (FORCE)");
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>One value; <paramref name="parameters"/> bind as $1, $2, …</summary>
    public async Task<T?> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        foreach (var p in parameters) cmd.Parameters.Add(new NpgsqlParameter { Value = p });
        var value = await cmd.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }
}
