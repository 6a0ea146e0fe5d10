using System.CommandLine;
using Switchyard.Cli.Output;
using Switchyard.Core.LocalPostgres;

namespace Switchyard.Cli.Commands;

/// <summary><c>switchyard local start|stop|status</c>: the managed local PostgreSQL cluster.</summary>
internal static class LocalCommands
{
    public static Command Build()
    {
        var local = new Command("local", "Manage the private local PostgreSQL cluster Switchyard uses when no database is named.");

        var start = new Command("start", "Create the cluster on first use and start it; print its connection string. Safe to repeat.");
        var standby = new Option<bool>("--standby") { Description = "Also build and start a streaming standby (pg_basebackup)." };
        var fast = new Option<bool>("--fast") { Description = "Create the cluster with fsync off (tests and throwaway demos only)." };
        start.Options.Add(standby);
        start.Options.Add(fast);
        CommandAction.Set(start, async (ctx, ct) =>
        {
            var cluster = new LocalCluster(ctx.LocalOptions with { Fast = ctx.ParseResult.GetValue(fast) });
            var before = await cluster.StatusAsync(ct).ConfigureAwait(false);
            await cluster.StartAsync(ct).ConfigureAwait(false);
            if (ctx.ParseResult.GetValue(standby)) await cluster.AddStandbyAsync("standby1", ct).ConfigureAwait(false);
            CliOutput.Success(before.Running ? "Managed PostgreSQL is already running." : "Managed PostgreSQL started.");
            Print(await cluster.StatusAsync(ct).ConfigureAwait(false));
            return 0;
        });

        var stop = new Command("stop", "Stop the cluster (and its standbys).");
        CommandAction.Set(stop, async (ctx, ct) =>
        {
            var cluster = new LocalCluster(ctx.LocalOptions);
            await cluster.StopAsync(ct).ConfigureAwait(false);
            CliOutput.Success("Managed PostgreSQL stopped.");
            return 0;
        });

        var status = new Command("status", "Show whether the cluster exists and runs, its port and connection string.");
        var json = GlobalOptions.Json();
        status.Options.Add(json);
        CommandAction.Set(status, async (ctx, ct) =>
        {
            var s = await new LocalCluster(ctx.LocalOptions).StatusAsync(ct).ConfigureAwait(false);
            if (ctx.ParseResult.GetValue(json)) CliOutput.WriteJson(s);
            else Print(s);
            return 0;
        });

        local.Subcommands.Add(start);
        local.Subcommands.Add(stop);
        local.Subcommands.Add(status);
        return local;
    }

    private static void Print(LocalClusterStatus s)
    {
        var rows = new List<(string, string)>
        {
            ("initialized", s.Initialized ? "yes" : "no"),
            ("running", s.Running ? $"yes (pid {s.ServerPid})" : "no"),
            ("home", s.Home),
            ("data directory", s.DataDirectory ?? "-"),
            ("port", s.Port?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"),
            ("default database", s.DefaultDatabase),
            ("binaries", s.BinDirectory ?? "-"),
        };
        foreach (var standby in s.Standbys)
            rows.Add(($"standby {standby.Name}", $"{(standby.Running ? "running" : "stopped")} on port {standby.Port}"));
        CliOutput.KeyValues("Managed PostgreSQL", rows);
        if (s.ConnectionString is not null)
        {
            // Printed bare on its own line so scripts can capture it; it names the password file, never the password.
            CliOutput.Plain("connection string:");
            CliOutput.Plain(s.ConnectionString);
        }
    }
}
