using Npgsql;
using Switchyard.Core.Connections;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.VersionSchemas;

/// <summary>An application version's connections: the test database with <c>Search Path=</c> set to one version schema, nothing else.</summary>
internal sealed class VersionSession(TestDatabase db, string schema) : IAsyncDisposable
{
    private readonly NpgsqlDataSource _source = DataSourceFactory.Create(
        new NpgsqlConnectionStringBuilder(db.ConnectionString) { SearchPath = schema, ApplicationName = "app-" + schema }.ConnectionString);

    public string Schema => schema;

    public async Task ExecuteAsync(string sql)
    {
        await using var cmd = _source.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task<string?> TextAsync(string sql)
    {
        await using var cmd = _source.CreateCommand(sql);
        var value = await cmd.ExecuteScalarAsync();
        return value is null or DBNull ? null : value.ToString();
    }

    /// <summary>The columns of view <c>t</c> as this version sees them: name and type, in order.</summary>
    public Task<string?> ShapeAsync() => TextAsync(
        "SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 't'");

    public ValueTask DisposeAsync() => _source.DisposeAsync();
}

/// <summary>A fresh test database for one test, dropped when disposed.</summary>
internal sealed class DisposableDatabase : IAsyncDisposable
{
    public TestDatabase Db { get; } = new();

    public static async Task<DisposableDatabase> StartAsync()
    {
        var d = new DisposableDatabase();
        await d.Db.InitializeAsync();
        return d;
    }

    public async ValueTask DisposeAsync() => await Db.DisposeAsync();
}
