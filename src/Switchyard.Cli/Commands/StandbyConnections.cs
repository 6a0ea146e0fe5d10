using System.CommandLine;
using Npgsql;
using Switchyard.Core;
using Switchyard.Core.Connections;
using Switchyard.Core.LocalPostgres;

namespace Switchyard.Cli.Commands;

/// <summary>
/// <c>--standby NAME=CONNECTION</c> (repeatable) for every command that reads the standbys' heartbeat: the managed
/// cluster's standbys are included on their own; a named one overrides a managed one of the same name.
/// </summary>
internal static class StandbyConnections
{
    public static Option<string[]> Option(string description)
    {
        var option = new Option<string[]>("--standby")
        {
            Description = description,
            HelpName = "NAME=CONNECTION",
            AllowMultipleArgumentsPerToken = false,
        };
        option.Validators.Add(r =>
        {
            if (r.Tokens.Select(t => t.Value).FirstOrDefault(e => NameEnd(e) < 0) is { } bad)
                r.AddError($"--standby '{Shown(bad)}' is not NAME=CONNECTION. Write e.g. --standby replica1=\"Host=10.0.0.2;Port=5432;Username=switchyard;Database=ledger\".");
        });
        return option;
    }

    /// <summary>Standby name → connection string to the target database on that standby. Call after ConnectAsync.</summary>
    public static Dictionary<string, string> Resolve(CliContext ctx, Option<string[]> option)
    {
        var standbys = new Dictionary<string, string>(StringComparer.Ordinal);
        if (ctx.Target is { IsManagedCluster: true } target)
        {
            var cluster = new LocalCluster(ctx.LocalOptions);
            var database = new NpgsqlConnectionStringBuilder(target.ConnectionString).Database ?? "postgres";
            foreach (var s in cluster.State?.Standbys ?? []) standbys[s.Name] = cluster.StandbyConnectionString(s.Name, database);
        }
        foreach (var entry in ctx.ParseResult.GetValue(option) ?? [])
        {
            var eq = NameEnd(entry); // checked by the parser: every entry is NAME=CONNECTION
            standbys[entry[..eq]] = ConnectionResolver.Parse(entry[(eq + 1)..], "--standby");
        }
        return standbys;
    }

    /// <summary>Index of the '=' after a non-empty NAME and before a non-empty CONNECTION; -1 when the entry is not NAME=CONNECTION.</summary>
    private static int NameEnd(string entry)
    {
        var eq = entry.IndexOf('=', StringComparison.Ordinal);
        return eq <= 0 || eq == entry.Length - 1 ? -1 : eq;
    }

    /// <summary>The entry up to the first character that may start a password (';', ':', '@'), so none is ever printed.</summary>
    private static string Shown(string entry)
    {
        var cut = entry.IndexOfAny([';', ':', '@']);
        return cut < 0 ? entry : entry[..cut] + "…";
    }
}
