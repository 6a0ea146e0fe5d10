using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;

namespace Switchyard.Cli;

/// <summary>The command tree and how a parse error reads: built here so the program and the tests use the same one.</summary>
internal static class CliRoot
{
    /// <param name="extraCommands">Commands a host adds to the product's (the sample's ledger, demo and benches).</param>
    public static RootCommand Build(IEnumerable<Command>? extraCommands = null)
    {
        var root = new RootCommand("Switchyard: zero-downtime PostgreSQL schema migrations for ledgers that move money.");
        root.Options.Add(GlobalOptions.Connection);
        root.Options.Add(GlobalOptions.Verbose);
        root.Options.Add(GlobalOptions.Home);
        root.Options.Add(GlobalOptions.PgBin);
        foreach (var command in CommandCatalog.All().Concat(extraCommands ?? []))
            root.Subcommands.Add(command);
        return root;
    }

    /// <summary>Every command under <paramref name="command"/>, itself first.</summary>
    public static IEnumerable<Command> Walk(Command command) => [command, .. command.Subcommands.SelectMany(Walk)];

    /// <summary>
    /// The parse errors as ONE line on stderr (what, where, and where to read more), or null when the command line
    /// parsed: scripts and CI logs read it, and a multi-line list of candidates reads as several failures.
    /// </summary>
    public static string? ErrorLine(ParseResult parsed)
    {
        if (parsed.Errors.Count == 0) return null;
        var first = string.Join(' ', parsed.Errors[0].Message.Split(['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var more = parsed.Errors.Count > 1 ? $" ({parsed.Errors.Count - 1} more error{(parsed.Errors.Count > 2 ? "s" : "")})" : "";
        var path = new List<string>();
        for (var node = parsed.CommandResult; node is not null; node = node.Parent as CommandResult)
            path.Insert(0, node.Command is RootCommand ? "switchyard" : node.Command.Name);
        return $"error: {first}{more} Options: `{string.Join(' ', path)} --help`.";
    }

    /// <summary>Runs the parsed command; help is written through the library's own action with enum defaults lowercased.</summary>
    public static async Task<int> InvokeAsync(ParseResult parsed, InvocationConfiguration configuration, CancellationToken ct = default)
    {
        if (parsed.Action is not HelpAction) return await parsed.InvokeAsync(configuration, ct).ConfigureAwait(false);
        var output = configuration.Output;
        using var buffer = new StringWriter();
        configuration.Output = buffer;
        var exit = parsed.Invoke(configuration);
        configuration.Output = output;
        output.Write(LowercaseEnumDefaults(buffer.ToString(), parsed.RootCommandResult.Command));
        return exit;
    }

    // The help prints a default with ToString(), which for an enum is its .NET name ("Markdown"); the command line
    // takes the lowercase one.
    private static string LowercaseEnumDefaults(string help, Command root)
    {
        var enums = Walk(root).SelectMany(c => c.Options)
            .Select(o => Nullable.GetUnderlyingType(o.ValueType) ?? o.ValueType)
            .Where(t => t.IsEnum)
            .Distinct();
        foreach (var name in enums.SelectMany(Enum.GetNames))
            help = help.Replace($"[default: {name}]", $"[default: {name.ToLowerInvariant()}]", StringComparison.Ordinal);
        return help;
    }
}
