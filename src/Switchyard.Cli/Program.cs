using System.CommandLine;
using Switchyard.Cli;
using Switchyard.Cli.Commands;

// Redirected output (CI logs, pipes) would be wrapped at 80 columns: tables need room.
if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = 200;

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
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    // Short and to stderr: what was wrong and where to look, not the whole help page.
    foreach (var error in parsed.Errors) Console.Error.WriteLine($"error: {error.Message}");
    var path = new List<string>();
    for (var node = parsed.CommandResult; node is not null; node = node.Parent as System.CommandLine.Parsing.CommandResult)
        path.Insert(0, node.Command is RootCommand ? "switchyard" : node.Command.Name);
    Console.Error.WriteLine($"hint: run `{string.Join(' ', path)} --help` for the options.");
    return 2;
}
return await parsed.InvokeAsync(configuration).ConfigureAwait(false);
