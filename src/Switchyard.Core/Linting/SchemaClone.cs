using System.Security.Cryptography;
using Npgsql;
using Switchyard.Core.Connections;
using Switchyard.Core.Execution;
using Switchyard.Core.LocalPostgres;

namespace Switchyard.Core.Linting;

/// <summary>
/// A scratch database on the target's server holding only the target's schema (pg_dump --schema-only, pg_restore):
/// statements can be tried there, locks read and rolled back, without touching a row of the real data. Dropped on dispose.
/// </summary>
public sealed class SchemaClone : IAsyncDisposable
{
    private readonly ConnectionSettings _target;

    private SchemaClone(ConnectionSettings target, string database)
    {
        _target = target;
        Database = database;
        Settings = target.ForDatabase(database);
        DataSource = DataSourceFactory.Create(Settings, "switchyard-lint");
    }

    public string Database { get; }
    public ConnectionSettings Settings { get; }
    public NpgsqlDataSource DataSource { get; }

    public static async Task<SchemaClone> CreateAsync(ConnectionSettings target, PostgresBinaries binaries, CancellationToken ct)
    {
        var work = PgToolConninfo.CreateWorkDirectory("switchyard-lint-");
        var name = "switchyard_lint_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(5)).ToLowerInvariant();
        SchemaClone? clone = null;
        try
        {
            var dump = Path.Combine(work, "schema.dump");
            var run = await OsProcess.RunAsync(binaries.Path("pg_dump"),
                ["--schema-only", "--no-owner", "--no-privileges", "--format=custom", "--file", dump, "--dbname", PgToolConninfo.For(target, work, "switchyard-lint")],
                null, ct).ConfigureAwait(false);
            if (run.ExitCode != 0)
                throw new SwitchyardException($"pg_dump --schema-only of {target.Describe()} failed: {run.Combined}",
                    "The linter needs to read the schema (CONNECT and SELECT on the catalog); pass --static to lint without measuring.");

            await using (var admin = DataSourceFactory.Create(target, "switchyard-lint"))
            await using (var create = admin.CreateCommand($"CREATE DATABASE {Ident.Quote(name)} TEMPLATE template0"))
                await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            clone = new SchemaClone(target, name);

            var restore = await OsProcess.RunAsync(binaries.Path("pg_restore"),
                ["--no-owner", "--no-privileges", "--exit-on-error", "--dbname", PgToolConninfo.For(clone.Settings, work, "switchyard-lint"), dump],
                null, ct).ConfigureAwait(false);
            if (restore.ExitCode != 0)
                throw new SwitchyardException($"Restoring the schema of {target.Describe()} into scratch database {name} failed: {restore.Combined}",
                    "Pass --static to lint without measuring, or check that the server has the extensions the schema uses.");
            return clone;
        }
        catch
        {
            if (clone is not null) await clone.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync().ConfigureAwait(false);
        await using var admin = DataSourceFactory.Create(_target, "switchyard-lint");
        await using var drop = admin.CreateCommand($"DROP DATABASE IF EXISTS {Ident.Quote(Database)} WITH (FORCE)");
        await drop.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
    }
}
