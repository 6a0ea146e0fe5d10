using System.Globalization;
using System.Security.Cryptography;
using System.Text;
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
        var work = Path.Combine(Path.GetTempPath(), "switchyard-lint-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant());
        Directory.CreateDirectory(work);
        File.SetUnixFileMode(work, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var name = "switchyard_lint_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(5)).ToLowerInvariant();
        SchemaClone? clone = null;
        try
        {
            var dump = Path.Combine(work, "schema.dump");
            var run = await OsProcess.RunAsync(binaries.Path("pg_dump"),
                ["--schema-only", "--no-owner", "--no-privileges", "--format=custom", "--file", dump, "--dbname", Conninfo(target, work)],
                null, ct).ConfigureAwait(false);
            if (run.ExitCode != 0)
                throw new SwitchyardException($"pg_dump --schema-only of {target.Describe()} failed: {run.Combined}",
                    "The linter needs to read the schema (CONNECT and SELECT on the catalog); pass --static to lint without measuring.");

            await using (var admin = DataSourceFactory.Create(target, "switchyard-lint"))
            await using (var create = admin.CreateCommand($"CREATE DATABASE {Ident.Quote(name)} TEMPLATE template0"))
                await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            clone = new SchemaClone(target, name);

            var restore = await OsProcess.RunAsync(binaries.Path("pg_restore"),
                ["--no-owner", "--no-privileges", "--exit-on-error", "--dbname", Conninfo(clone.Settings, work), dump],
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

    /// <summary>
    /// A libpq conninfo for pg_dump/pg_restore. A password goes into a mode-600 password file in <paramref name="work"/>,
    /// never onto the command line where other users could read it.
    /// </summary>
    private static string Conninfo(ConnectionSettings settings, string work)
    {
        var b = new NpgsqlConnectionStringBuilder(settings.ConnectionString);
        var parts = new List<string>
        {
            $"host={Quote(b.Host ?? "localhost")}",
            $"port={b.Port.ToString(CultureInfo.InvariantCulture)}",
            $"dbname={Quote(b.Database ?? "postgres")}",
            "application_name=switchyard-lint",
        };
        if (b.Username is { } user) parts.Add($"user={Quote(user)}");
        if (b.SslMode is SslMode.Require or SslMode.VerifyCA or SslMode.VerifyFull) parts.Add($"sslmode={b.SslMode.ToString().ToLowerInvariant()}");
        if (b.Password is { Length: > 0 } password)
        {
            parts.Add($"passfile={Quote(WritePassfile(work, password))}");
        }
        else if (b.Passfile is { } passfile)
        {
            parts.Add($"passfile={Quote(passfile)}");
        }
        return string.Join(' ', parts);
    }

    /// <summary>
    /// The password in a libpq password file, created mode 600 (libpq ignores a file others can read) and without a
    /// byte-order mark: a BOM makes the first line's host field never match, and libpq then asks for a password.
    /// </summary>
    private static string WritePassfile(string work, string password)
    {
        var file = Path.Combine(work, "pgpass");
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
        using var writer = new StreamWriter(file, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options);
        writer.Write($"*:*:*:*:{EscapePass(password)}\n");
        return file;
    }

    private static string Quote(string value) => "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    private static string EscapePass(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(":", "\\:", StringComparison.Ordinal);
}
