using System.Text.RegularExpressions;
using Switchyard.Cli;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Cli;

/// <summary>Issue 16 item 7: no value on the command line crashes the program or names a .NET type.</summary>
public sealed partial class CommandLineInputTests
{
    public static TheoryData<string> EveryValueOption()
    {
        var data = new TheoryData<string>();
        var root = CommandTree.Root();
        foreach (var (path, command) in CommandTree.Commands(root))
        {
            foreach (var option in CommandTree.ValueOptions(command, root).Where(o => !CommandTree.FreeText.Contains(o.Name)))
                data.Add(string.Join(' ', path) + " " + option.Name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryValueOption))]
    public void EveryCommandOption_BadValue_OneLineErrorNamingOptionAndValue(string commandAndOption)
    {
        // Given the real command tree and a value no typed option accepts
        var root = CommandTree.Root();
        var words = commandAndOption.Split(' ');
        var command = CommandTree.Commands(root).Single(c => c.Path.SequenceEqual(words[..^1])).Command;
        var option = CommandTree.ValueOptions(command, root).Single(o => o.Name == words[^1]);
        string[] args = [.. words[..^1], .. CommandTree.RequiredParts(command, option), option.Name, "abc"];

        // When
        var line = CliRoot.ErrorLine(root.Parse(args));

        // Then one line that says what was wrong, with the value, and no .NET type name
        line.ShouldNotBeNull($"`{string.Join(' ', args)}` parsed without an error");
        line.ShouldStartWith("error: ");
        line.ShouldNotContain("\n");
        line.ShouldContain("'abc'");
        line.ShouldContain(option.Name);
        DotNetTypeName().IsMatch(line).ShouldBeFalse(line);
    }

    [Fact]
    public async Task EveryCommand_HelpText_HasNoDotNetTypeNameOrCapitalizedEnumValue()
    {
        // Given
        var root = CommandTree.Root();

        // A hidden command's help is empty: it is not offered to operators
        foreach (var (path, _) in CommandTree.Commands(root).Where(c => !c.Command.Hidden))
        {
            // When
            var output = new StringWriter();
            var exit = await CliRoot.InvokeAsync(root.Parse([.. path, "--help"]), new System.CommandLine.InvocationConfiguration { Output = output });

            // Then
            exit.ShouldBe(0);
            var help = output.ToString();
            help.ShouldContain("Usage:", customMessage: string.Join(" ", path) + " exit " + exit);
            DotNetTypeName().IsMatch(help).ShouldBeFalse(help);
            EnumDefault().IsMatch(help).ShouldBeFalse(help);
        }
    }

    [Theory]
    [InlineData("ledger seed --rows abc")]
    [InlineData("apply spec.yaml --workers abc")]
    [InlineData("apply spec.yaml --max-rows-per-second abc")]
    [InlineData("validate --single-pass-max-mb abc")]
    [InlineData("bench backfill --rows abc")]
    [InlineData("bench backfill --workers abc")]
    [InlineData("bench validate --rows abc")]
    [InlineData("apply spec.yaml --to abc")]
    [InlineData("runbook spec.yaml --format abc")]
    [InlineData("cutover --reads abc")]
    [InlineData("apply spec.yaml --otlp-endpoint abc")]
    [InlineData("watch --otlp-endpoint abc")]
    public async Task Program_BadOptionValue_OneLineOnStderrExit2NoStackTrace(string commandLine)
    {
        // When the real program runs (nothing to connect to: it must stop at the command line)
        var words = commandLine.Split(' ');
        var environment = new Dictionary<string, string?> { ["SWITCHYARD_HOME"] = "/nonexistent/switchyard-home" };
        var result = words[0] is "ledger" or "bench"
            ? await CliRunner.RunSampleAsync(words, environment)
            : await CliRunner.RunAsync(words, environment);

        // Then
        result.ExitCode.ShouldBe(2, result.StdErr);
        result.StdOut.ShouldBeEmpty();
        result.StdErr.TrimEnd().Split('\n').Length.ShouldBe(1, result.StdErr);
        result.StdErr.ShouldStartWith("error: ");
        result.StdErr.ShouldContain("'abc'");
        result.StdErr.ShouldNotContain("Unhandled");
        result.StdErr.ShouldNotContain("   at ");
        DotNetTypeName().IsMatch(result.StdErr).ShouldBeFalse(result.StdErr);
    }

    [Fact]
    public void Parser_EnumValueInAnyCase_ParsesToTheEnumValue()
    {
        // Given
        var root = CommandTree.Root();

        // When
        var parsed = root.Parse(["runbook", "spec.yaml", "--format", "HTML"]);

        // Then
        parsed.Errors.ShouldBeEmpty();
        parsed.GetValue<Switchyard.Core.Runbook.RunbookFormat>("--format").ShouldBe(Switchyard.Core.Runbook.RunbookFormat.Html);
    }

    // System.Int64, Nullable`1, Switchyard.Core.Runbook.RunbookFormat: what the parser prints for a type it cannot convert to.
    [GeneratedRegex(@"System\.[A-Z]|`1|Switchyard\.(Core|Cli|Samples)\.")]
    private static partial Regex DotNetTypeName();

    [GeneratedRegex(@"\[default: [A-Z][a-z]+\]|<[A-Z][a-z]+\|")]
    private static partial Regex EnumDefault();
}
