using System.CommandLine;
using Switchyard.Cli;
using Switchyard.Cli.Commands;

var root = new RootCommand("Switchyard: zero-downtime PostgreSQL schema migrations for ledgers that move money.");
root.Options.Add(GlobalOptions.Connection);
root.Options.Add(GlobalOptions.Verbose);
root.Options.Add(GlobalOptions.Home);
root.Options.Add(GlobalOptions.PgBin);

foreach (var command in CommandCatalog.All())
    root.Subcommands.Add(command);

var configuration = new InvocationConfiguration
{
    // Ctrl+C must leave time to release locks and journal the stop.
    ProcessTerminationTimeout = TimeSpan.FromSeconds(30),
};
return await root.Parse(args).InvokeAsync(configuration).ConfigureAwait(false);
