using System.CommandLine;
using System.Text.RegularExpressions;

namespace Switchyard.IntegrationTests.Cli;

/// <summary>
/// The commands a document prints (code spans and lines of code blocks starting with <c>switchyard </c>), turned into
/// argument lists the real parser can check: synopsis brackets dropped, <c>a | b</c> alternatives expanded, and
/// placeholders (<c>N</c>, <c>&lt;spec&gt;</c>, <c>PHASE</c>) replaced by a value of the option's type.
/// </summary>
internal static partial class DocumentedCommands
{
    /// <summary>The sample's host: the product's commands plus the ledger, workload, demo and benches.</summary>
    public const string SampleHost = "switchyard-ledger";

    /// <summary>The command tree a printed command is parsed by: the sample host's or the product's.</summary>
    public static RootCommand RootFor(string command) =>
        command.StartsWith(SampleHost + " ", StringComparison.Ordinal) ? Switchyard.Samples.Ledger.Cli.LedgerHost.Root() : Switchyard.Cli.CliRoot.Build();

    /// <summary>Every command printed in <paramref name="markdown"/>, as written.</summary>
    public static IReadOnlyList<string> Extract(string markdown)
    {
        var found = new List<string>();
        var inBlock = false;
        foreach (var raw in markdown.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inBlock = !inBlock;
                continue;
            }
            if (inBlock)
            {
                var code = line.Trim().TrimStart('$', ' ');
                if (code.StartsWith("switchyard ", StringComparison.Ordinal) || code.StartsWith(SampleHost + " ", StringComparison.Ordinal)) found.Add(code.Split(" #")[0].Trim());
                continue;
            }
            found.AddRange(CodeSpan().Matches(line).Select(m => m.Groups[1].Value.Trim()));
        }
        return found;
    }

    /// <summary>The argument lists (without the leading <c>switchyard</c>) a printed command stands for.</summary>
    public static IReadOnlyList<string[]> Expand(string command, RootCommand root)
    {
        var tokens = Tokenize(command)[1..];
        var alternatives = Split(tokens);
        var first = alternatives[0];
        var result = new List<string[]> { Fill(first, root) };
        // "local start [--standby] | stop | status": each alternative replaces the last command word of the first
        var path = CommandWords(first, root);
        foreach (var alternative in alternatives.Skip(1))
            result.Add(Fill([.. path.SkipLast(1), .. alternative], root));
        return result;
    }

    private static List<string> Tokenize(string command)
    {
        var tokens = new List<string>();
        foreach (Match m in Token().Matches(command.Replace("[", " ", StringComparison.Ordinal).Replace("]", " ", StringComparison.Ordinal)))
        {
            var t = m.Value;
            if (t is "..." or "…") continue;
            if (t.Length > 1 && t[0] == '"' && t[^1] == '"') t = t[1..^1];
            tokens.Add(t);
        }
        return tokens;
    }

    private static List<List<string>> Split(List<string> tokens)
    {
        var parts = new List<List<string>> { new() };
        foreach (var t in tokens)
        {
            if (t == "|") parts.Add([]);
            else parts[^1].Add(t);
        }
        return parts;
    }

    private static List<string> CommandWords(List<string> tokens, Command root)
    {
        var words = new List<string>();
        Command current = root;
        foreach (var t in tokens)
        {
            if (current.Subcommands.FirstOrDefault(c => c.Name == t) is not { } sub) break;
            words.Add(t);
            current = sub;
        }
        return words;
    }

    private static string[] Fill(List<string> tokens, RootCommand root)
    {
        Command command = root;
        var args = new List<string>();
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (command.Subcommands.FirstOrDefault(c => c.Name == t) is { } sub)
            {
                command = sub;
                args.Add(t);
                continue;
            }
            if (t.StartsWith('-'))
            {
                args.Add(t);
                var option = command.Options.Concat(root.Options).FirstOrDefault(o => o.Name == t || o.Aliases.Contains(t));
                if (option is not null && option.ValueType != typeof(bool) && i + 1 < tokens.Count)
                {
                    var value = tokens[++i];
                    args.Add(IsPlaceholder(value, option) ? Sample(option) : value);
                }
                continue;
            }
            args.Add(IsPlaceholder(t, null) ? "spec.yaml" : t);
        }
        return [.. args];
    }

    private static bool IsPlaceholder(string value, Option? option) =>
        value.StartsWith('<') || Capitals().IsMatch(value) || value.Contains('|', StringComparison.Ordinal) || (option is not null && value == option.HelpName);

    private static string Sample(Option option)
    {
        var type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
        if (type.IsEnum) return Enum.GetNames(type)[0].ToLowerInvariant();
        if (type == typeof(int) || type == typeof(long) || type == typeof(double)) return "1";
        if (type == typeof(TimeSpan)) return "30s";
        if (type == typeof(string[])) return "standby1=Host=localhost";
        if (type == typeof(Uri)) return "http://127.0.0.1:4318";
        return option.Name switch
        {
            "--checks" => "mismatch",
            _ => option.HelpName?.Split('|')[0] ?? "x",
        };
    }

    [GeneratedRegex(@"`(switchyard(?:-ledger)? [^`]+)`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"<[^>]*>|""[^""]*""|\S+")]
    private static partial Regex Token();

    [GeneratedRegex(@"^[A-Z][A-Z0-9_]*(=[A-Z]+)?$")]
    private static partial Regex Capitals();
}
