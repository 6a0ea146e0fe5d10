using Switchyard.Cli;
using Switchyard.Core.Planning;
using Switchyard.Core.Runbook;
using Switchyard.Core.Spec;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Cli;

/// <summary>Issue 16 item 10: every command the README and the runbook print runs, parsed by the real command tree.</summary>
public sealed class DocumentedCommandsTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public void Readme_EveryPrintedCommand_ParsesWithoutErrors()
    {
        // Given
        var readme = File.ReadAllText(Path.Combine(TestCluster.RepositoryRoot(), "README.md"));

        // When
        var commands = DocumentedCommands.Extract(readme);

        // Then
        commands.Count.ShouldBeGreaterThan(20);
        ParseErrors(commands).ShouldBeEmpty();
    }

    [Fact]
    public async Task Runbook_EveryPrintedCommand_ParsesWithoutErrors()
    {
        // Given the flagship's runbook
        var spec = SpecLoader.LoadFile(Path.Combine(TestCluster.RepositoryRoot(), "samples", "Ledger", "specs", "001-normalize-transaction-status.yaml"));
        var plan = MigrationPlanner.Build(spec, await SpecCatalogCheck.CheckAsync(spec, db.Runner(), CancellationToken.None));
        var size = await TableSizeReader.ReadAsync(db.Runner(), plan.TargetTable, CancellationToken.None);
        var markdown = RunbookRenderer.Markdown(RunbookBuilder.Build(plan, size));

        // When
        var commands = DocumentedCommands.Extract(markdown);

        // Then every one parses, the rollback commands of each phase and the SRE section among them
        commands.Count(c => c.StartsWith("switchyard rollback", StringComparison.Ordinal)).ShouldBeGreaterThanOrEqualTo(4);
        ParseErrors(commands).ShouldBeEmpty();
    }

    private static List<string> ParseErrors(IEnumerable<string> commands)
    {
        var errors = new List<string>();
        foreach (var command in commands.Distinct())
        {
            var root = DocumentedCommands.RootFor(command);
            foreach (var args in DocumentedCommands.Expand(command, root))
            {
                if (CliRoot.ErrorLine(root.Parse(args)) is { } error) errors.Add($"`{command}` as `{command.Split(' ')[0]} {string.Join(' ', args)}`: {error}");
            }
        }
        return errors;
    }
}
