using System.Globalization;

namespace Switchyard.Core.LocalPostgres;

/// <summary>The folder holding initdb, pg_ctl and postgres, found once and reused.</summary>
public sealed record PostgresBinaries(string BinDirectory, int MajorVersion)
{
    private static readonly string[] Required = ["initdb", "pg_ctl", "postgres", "pg_basebackup"];

    public string Path(string tool) => System.IO.Path.Combine(BinDirectory, tool);

    /// <summary>Finds the binaries: an explicit folder, <c>SWITCHYARD_PG_BINDIR</c>, <c>pg_config --bindir</c>, then the Debian folders.</summary>
    public static async Task<PostgresBinaries> LocateAsync(string? explicitBinDir, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(explicitBinDir))
            return Validate(explicitBinDir, "--pg-bin") ?? throw Missing(explicitBinDir, "--pg-bin");

        var fromEnv = Environment.GetEnvironmentVariable("SWITCHYARD_PG_BINDIR");
        if (!string.IsNullOrWhiteSpace(fromEnv))
            return Validate(fromEnv, "SWITCHYARD_PG_BINDIR") ?? throw Missing(fromEnv, "SWITCHYARD_PG_BINDIR");

        foreach (var candidate in await CandidatesAsync(ct).ConfigureAwait(false))
        {
            if (Validate(candidate, null) is { } found) return found;
        }
        throw new SwitchyardException(
            "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found: looked at `pg_config --bindir`, /usr/lib/postgresql/*/bin and /usr/local/pgsql/bin.",
            "Install them with `apt-get update && apt-get install -y postgresql` (Debian/Ubuntu), or point SWITCHYARD_PG_BINDIR at the folder that holds initdb.");
    }

    private static SwitchyardException Missing(string dir, string source) => new(
        $"The PostgreSQL binaries folder '{dir}' (from {source}) does not exist or lacks initdb, pg_ctl or postgres.",
        "Name the folder that holds initdb (e.g. /usr/lib/postgresql/15/bin), or leave it unset to search the usual places.");

    private static PostgresBinaries? Validate(string dir, string? source)
    {
        _ = source;
        if (!Directory.Exists(dir)) return null;
        if (Required.Any(tool => !File.Exists(System.IO.Path.Combine(dir, tool)))) return null;
        return new PostgresBinaries(System.IO.Path.GetFullPath(dir), GuessMajor(dir));
    }

    private static int GuessMajor(string dir)
    {
        var parts = dir.Split('/', StringSplitOptions.RemoveEmptyEntries);
        foreach (var p in parts.Reverse())
        {
            if (int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v is >= 9 and < 100) return v;
        }
        var version = System.IO.Path.Combine(dir, "..", "..", "..", "share", "postgresql");
        return Directory.Exists(version) ? 0 : 0;
    }

    private static async Task<IReadOnlyList<string>> CandidatesAsync(CancellationToken ct)
    {
        var list = new List<string>();
        try
        {
            var result = await OsProcess.RunAsync("pg_config", ["--bindir"], null, ct).ConfigureAwait(false);
            if (result.ExitCode == 0) list.Add(result.StdOut.Trim());
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // pg_config is optional: it ships with libpq-dev, not with the server.
        }
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            list.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (dir: d, v: int.TryParse(System.IO.Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0))
                .OrderByDescending(x => x.v)
                .Select(x => System.IO.Path.Combine(x.dir, "bin")));
        }
        list.Add("/usr/local/pgsql/bin");
        return list;
    }
}
