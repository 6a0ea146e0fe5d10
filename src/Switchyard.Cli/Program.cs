using System.CommandLine;
using Switchyard.Cli;

// Redirected output (CI logs, pipes) would be wrapped at 80 columns: tables need room.
if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = 200;

var configuration = new InvocationConfiguration
{
    // Ctrl+C must leave time to release locks and journal the stop.
    ProcessTerminationTimeout = TimeSpan.FromSeconds(30),
};
var parsed = CliRoot.Build().Parse(args);
if (CliRoot.ErrorLine(parsed) is { } error)
{
    // Short and to stderr: what was wrong and where to look, not the whole help page.
    Console.Error.WriteLine(error);
    return 2;
}
return await CliRoot.InvokeAsync(parsed, configuration).ConfigureAwait(false);
