using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Switchyard.Core.Connections;

namespace Switchyard.Core.LocalPostgres;

/// <summary>How pg_dump and pg_restore are told where to connect, without a password on their command line.</summary>
public static class PgToolConninfo
{
    /// <summary>A fresh private (mode 700) folder for a password file and a dump; the caller deletes it.</summary>
    public static string CreateWorkDirectory(string prefix)
    {
        var work = Path.Combine(Path.GetTempPath(), prefix + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant());
        Directory.CreateDirectory(work);
        File.SetUnixFileMode(work, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return work;
    }

    /// <summary>
    /// A libpq conninfo for pg_dump/pg_restore. A password goes into a mode-600 password file in <paramref name="work"/>,
    /// never onto the command line where other users could read it.
    /// </summary>
    public static string For(ConnectionSettings settings, string work, string applicationName)
    {
        var b = new NpgsqlConnectionStringBuilder(settings.ConnectionString);
        var parts = new List<string>
        {
            $"host={Quote(b.Host ?? "localhost")}",
            $"port={b.Port.ToString(CultureInfo.InvariantCulture)}",
            $"dbname={Quote(b.Database ?? "postgres")}",
            $"application_name={Quote(applicationName)}",
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
