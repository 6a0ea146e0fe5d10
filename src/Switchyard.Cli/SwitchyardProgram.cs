using System.CommandLine;

namespace Switchyard.Cli;

/// <summary>The <c>switchyard</c> program: parse, print a one-line error or run. Hosts (the sample's) add commands.</summary>
public static class SwitchyardProgram
{
    public static async Task<int> RunAsync(string[] args, IEnumerable<Command> extraCommands)
    {
        // Redirected output (CI logs, pipes) would be wrapped at 80 columns: tables need room.
        if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = 200;

        var configuration = new InvocationConfiguration
        {
            // Ctrl+C must leave time to release locks and journal the stop.
            ProcessTerminationTimeout = TimeSpan.FromSeconds(30),
        };
        var parsed = CliRoot.Build(extraCommands).Parse(args);
        if (CliRoot.ErrorLine(parsed) is { } error)
        {
            // Short and to stderr: what was wrong and where to look, not the whole help page.
            await Console.Error.WriteLineAsync(error).ConfigureAwait(false);
            return 2;
        }
        return await CliRoot.InvokeAsync(parsed, configuration).ConfigureAwait(false);
    }
}
