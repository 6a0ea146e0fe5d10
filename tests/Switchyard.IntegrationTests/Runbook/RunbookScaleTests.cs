using Switchyard.Core.Backfill;
using Switchyard.Core.Backfill.Bench;
using Switchyard.Core.Runbook.Scale;
using Switchyard.Core.Spec;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Runbook;

public sealed class RunbookScaleTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    private static string SpecPath => Path.Combine(TestCluster.RepositoryRoot(), "samples", "Ledger", "specs", "001-normalize-transaction-status.yaml");

    [Fact]
    public async Task RunbookRows_AfterARealBackfillAndValidation_EstimatesFullScaleNamingSourcesAndBottleneck()
    {
        // Given the seeded ledger expanded, backfilled for real and validated (the suite's results stored in the journal)
        var spec = SpecLoader.LoadFile(SpecPath);
        var target = await new BenchExpand(db.Runner()).ApplySpecAsync(spec, CancellationToken.None);
        var outcome = await new BackfillRunner(db.Runner()).RunAsync(
            new BackfillRequest(spec.Name, target, new BackfillOptions { Workers = 2, AnalyzeWhenDone = true }), [], null, CancellationToken.None);
        outcome.ShouldBeOfType<BackfillCompleted>();
        var validate = await CliRunner.RunAsync(["validate", "--spec", SpecPath, "--phase", "backfilled", "--checks", "completeness,counts", "-c", db.ConnectionString]);
        validate.ExitCode.ShouldBe(0, validate.StdOut + validate.StdErr);

        // When the real CLI plans 10e9 rows over 4 shards whose replicas replay only 0.1 MB/s
        var result = await CliRunner.RunAsync(["runbook", SpecPath, "--rows", "10000000000", "--shards", "4", "--replica-apply-mb-per-second", "0.1", "-c", db.ConnectionString]);

        // Then the section is there and names where each number came from: measured where Switchyard recorded it
        result.ExitCode.ShouldBe(0, result.StdErr);
        var md = result.StdOut;
        md.ShouldContain($"## {ScaleEstimateSection.Heading}");
        md.ShouldContain("Estimate for 10,000,000,000 rows on 4 shards split evenly (2,500,000,000 rows each");
        md.ShouldContain($"| backfill rate | {Row(md, "backfill rate")} | measured: the last completed backfill of {target.Table} (migration {spec.Name}, {outcome.Stats.RowsUpdated:N0} rows in");
        md.ShouldContain($"measured: the last validation run of {target.Table} (2 checks read");
        md.ShouldContain("| replica apply rate | 0.1 MB/s | given by the operator (--replica-apply-mb-per-second) |");
        // and documented defaults where nothing was recorded (no journaled index build, no bench), saying so
        md.ShouldContain("documented default (Switchyard has not built an index on this table yet)");
        md.ShouldContain("documented default (no `bench backfill` of this table recorded its WAL; pass --wal-bytes-per-row)");
        // and the bottleneck is replica apply: 0.1 MB/s ÷ 800 B/row = 125 rows/s, below the measured rate
        md.ShouldContain("Bottleneck: replica apply (0.1 MB/s ÷ 800 B/row = 125 rows/s). Run the backfill at no more than 125 rows/s");
        md.ShouldContain("| replica apply | 125 | 0.1 MB/s ÷ 800 B/row | yes: the bottleneck |");
        // and each shard backfills its 2.5e9 rows at that rate; the fleet takes as long, with no barrier waits modeled
        var backfill = ScaleEstimateSection.Duration(TimeSpan.FromSeconds(2_500_000_000 / 125.0));
        md.ShouldContain($"| Backfill | {backfill} | {backfill} |");
        md.ShouldContain("Barrier waits between shards");
        md.ShouldContain("are not modeled");
    }

    [Fact]
    public async Task RunbookShards_WithoutRows_OneLineErrorExit2()
    {
        // When
        var result = await CliRunner.RunAsync(["runbook", SpecPath, "--shards", "4", "-c", db.ConnectionString]);

        // Then
        result.ExitCode.ShouldBe(2);
        result.StdErr.Trim().ShouldNotContain('\n');
        result.StdErr.ShouldContain("--shards refines the full-scale estimate: add --rows N, e.g. --rows 10000000000.");
        result.StdOut.ShouldBeEmpty();
    }

    [Fact]
    public async Task RunbookFleet_WithShards_OneLineErrorExit2()
    {
        // When both ways of splitting the rows are given
        var result = await CliRunner.RunAsync(["runbook", SpecPath, "--fleet", "fleet.yaml", "--rows", "10000000000", "--shards", "4"]);

        // Then
        result.ExitCode.ShouldBe(2);
        result.StdErr.Trim().ShouldNotContain('\n');
        result.StdErr.ShouldContain("--shards and --fleet both say how the rows are split");
        result.StdErr.ShouldNotContain("   at ");
        result.StdOut.ShouldBeEmpty();
    }

    /// <summary>The value cell of an inputs row, read back so the source check does not depend on the measured rate.</summary>
    private static string Row(string markdown, string input) =>
        markdown.Split('\n').First(l => l.StartsWith($"| {input} | ", StringComparison.Ordinal)).Split(" | ")[1];
}
