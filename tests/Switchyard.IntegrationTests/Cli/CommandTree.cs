using System.CommandLine;
using System.CommandLine.Help;
using Switchyard.Cli;

namespace Switchyard.IntegrationTests.Cli;

/// <summary>The real command tree, walked: every command's path, its options, and arguments that satisfy its required ones.</summary>
internal static class CommandTree
{
    /// <summary>Options whose value is free text (a path, a name, a connection string): any word parses.</summary>
    public static readonly HashSet<string> FreeText =
    [
        "--connection", "--home", "--pg-bin", "--out", "--reason", "--migration", "--spec", "--table", "--confirm", "--report-dir", "--database", "--verify",
        "--owner", "--approver", "--change-window", "--sign-key", "--public-key", "--through", "--fleet", "--shard", "--assembly",
    ];

    /// <summary>The sample host's tree: every product command and the sample's (ledger, workload, demo, bench).</summary>
    public static RootCommand Root() => Switchyard.Samples.Ledger.Cli.LedgerHost.Root();

    /// <summary>(path words, command) for every command below the root.</summary>
    public static IEnumerable<(string[] Path, Command Command)> Commands(Command command, string[]? path = null)
    {
        path ??= [];
        foreach (var sub in command.Subcommands)
        {
            string[] subPath = [.. path, sub.Name];
            yield return (subPath, sub);
            foreach (var nested in Commands(sub, subPath)) yield return nested;
        }
    }

    /// <summary>Every option a command takes a value for, its own and the recursive ones from the root, but not help.</summary>
    public static IEnumerable<Option> ValueOptions(Command command, RootCommand root) =>
        command.Options.Concat(root.Options.Where(o => o.Recursive))
            .Where(o => o is not HelpOption and not VersionOption && o.ValueType != typeof(bool))
            .DistinctBy(o => o.Name);

    /// <summary>A valid word for each required argument and required option (other than <paramref name="except"/>).</summary>
    public static IEnumerable<string> RequiredParts(Command command, Option? except = null)
    {
        foreach (var argument in command.Arguments.Where(a => a.Arity.MinimumNumberOfValues > 0)) yield return "spec.yaml";
        foreach (var option in command.Options.Where(o => o.Required && o != except))
        {
            yield return option.Name;
            yield return option.HelpName?.Split('|')[0] ?? "x";
        }
    }
}
