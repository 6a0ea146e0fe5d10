using System.CommandLine;

namespace Switchyard.Cli;

/// <summary>Options every command accepts.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string?> Connection = new("--connection", "-c")
    {
        Description = "Target database: keyword form or postgres:// URI. Default: SWITCHYARD_CONNECTION, then PG* variables, then the managed local cluster.",
        Recursive = true,
    };

    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Log more, and show stack traces on errors.",
        Recursive = true,
    };

    public static readonly Option<string?> Home = new("--home")
    {
        Description = "Folder of the managed local cluster. Default: $SWITCHYARD_HOME, else ./.switchyard.",
        Recursive = true,
    };

    public static readonly Option<string?> PgBin = new("--pg-bin")
    {
        Description = "Folder holding initdb, pg_ctl and postgres. Default: pg_config --bindir, then /usr/lib/postgresql/*/bin.",
        Recursive = true,
    };

    public static Option<bool> Json() => new("--json") { Description = "Print JSON instead of tables." };
}
