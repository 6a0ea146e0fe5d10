using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Switchyard.Core.Planning;
using Switchyard.Core.Runbook;
using Switchyard.Core.Spec;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Runbook;

/// <summary>Issue 16 item 10: what a change board sends the runbook back for.</summary>
public sealed partial class RunbookChangeRecordTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    private static string SpecPath => Path.Combine(TestCluster.RepositoryRoot(), "samples", "Ledger", "specs", "001-normalize-transaction-status.yaml");

    private async Task<RunbookDocument> BuildAsync(RunbookHeader? header)
    {
        var spec = SpecLoader.LoadFile(SpecPath);
        var plan = MigrationPlanner.Build(spec, await SpecCatalogCheck.CheckAsync(spec, db.Runner(), CancellationToken.None));
        return RunbookBuilder.Build(plan, await TableSizeReader.ReadAsync(db.Runner(), plan.TargetTable, CancellationToken.None), header: header);
    }

    [Fact]
    public async Task Runbook_WithHeader_PrintsChangeRecordSignOffAndRollbackTimePerPhase()
    {
        // Given
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 15, 4, 5, TimeSpan.Zero));
        var header = new RunbookHeader
        {
            GeneratedAt = time.GetUtcNow(),
            Target = "alice@db1.internal:5432/ledger",
            Owner = "Alice",
            Approvers = ["Bob", "Carol"],
            ChangeWindow = "2026-12-03 02:00-04:00 UTC",
        };

        // When
        var markdown = RunbookRenderer.Markdown(await BuildAsync(header));

        // Then
        markdown.ShouldContain("| generated | 2026-12-02 15:04:05 UTC |");
        markdown.ShouldContain($"| tool | switchyard {RunbookHeader.CurrentVersion()} |");
        markdown.ShouldContain("| target (server/database) | alice@db1.internal:5432/ledger |");
        markdown.ShouldContain("| owner | Alice |");
        markdown.ShouldContain("| approvers | Bob, Carol |");
        markdown.ShouldContain("| change window | 2026-12-03 02:00-04:00 UTC |");
        markdown.ShouldContain("\n## Sign-off\n");
        markdown.ShouldContain("| approver | Carol | ____________________ | ____________________ |");
        markdown.ShouldContain("| SRE on call | ____________________ |");
        foreach (var phase in Enum.GetValues<MigrationPhase>())
        {
            var section = markdown[markdown.IndexOf($"## Phase {(int)phase}: {phase}", StringComparison.Ordinal)..];
            section[..section.IndexOf("\n### ", StringComparison.Ordinal)].ShouldContain("| rollback time (estimate) | ");
        }
        markdown.ShouldContain("| rollback time (estimate) | < 1 s machine time for ");
    }

    [Fact]
    public async Task RunbookHtml_CodeSpansAndNumberedSteps_RenderAsCodeAndOrderedList()
    {
        // Given
        var doc = await BuildAsync(null);

        // When
        var html = RunbookRenderer.Html(doc);

        // Then no markdown shows literally: code spans are <code>, the sequencing is an <ol> without typed numbers
        var prose = PreBlock().Replace(html, "");
        prose.ShouldNotContain("`");
        prose.ShouldContain("<code>switchyard rollback -m 001-normalize-transaction-status --to expand</code>");
        prose.ShouldContain("<ol>\n<li>Expand runs before app v2 deploys.");
        prose.ShouldNotContain("<li>1.");
        RunbookRenderer.Markdown(doc).ShouldContain("\n1. Expand runs before app v2 deploys.");
    }

    [Fact]
    public async Task RunbookCommand_OwnerApproversWindow_PrintedWithTargetAndNoPassword()
    {
        // Given a connection string that carries the password itself (read from the cluster's password file)
        var b = new NpgsqlConnectionStringBuilder(db.ConnectionString);
        var password = (await File.ReadAllLinesAsync(b.Passfile!)).First(l => l.Length > 0).Split(':')[^1];
        password.Length.ShouldBeGreaterThan(3);
        b.Passfile = null;
        b.Password = password;

        // When
        var result = await CliRunner.RunAsync(["runbook", SpecPath, "-c", b.ConnectionString, "--owner", "Alice", "--approver", "Bob", "--approver", "Carol", "--change-window", "Thu 02:00-04:00 UTC"]);

        // Then
        result.ExitCode.ShouldBe(0, result.StdErr);
        result.StdOut.ShouldContain($"| target (server/database) | {b.Username}@{b.Host}:{b.Port}/{b.Database} |");
        result.StdOut.ShouldContain("| owner | Alice |");
        result.StdOut.ShouldContain("| approvers | Bob, Carol |");
        result.StdOut.ShouldContain("| change window | Thu 02:00-04:00 UTC |");
        result.StdOut.ShouldMatch(@"\| generated \| \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \|");
        (result.StdOut + result.StdErr).ShouldNotContain(password);
    }

    [GeneratedRegex("<pre>.*?</pre>", RegexOptions.Singleline)]
    private static partial Regex PreBlock();
}
