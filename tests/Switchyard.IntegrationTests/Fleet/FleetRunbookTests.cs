using System.Globalization;
using Switchyard.Core.Runbook.Scale;
using Switchyard.IntegrationTests.Engine;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Fleet;

[Collection(FleetCollection.Name)]
public sealed class FleetRunbookTests(FleetClusters clusters)
{
    private const long FullScale = 10_000_000_000;

    [Fact]
    public async Task RunbookFleetRows_ShardsWithDifferentRows_SplitsByRowsAndSumsPerPhaseMaxima()
    {
        // Given a fleet whose shards hold different numbers of transactions (s3 the most)
        await using var fleet = await FleetLedger.CreateAsync(clusters, [300, 600, 900]);
        var today = new List<long>();
        for (var shard = 0; shard < FleetClusters.Count; shard++)
            today.Add(await fleet.ScalarAsync<long>(shard, "SELECT reltuples::bigint FROM pg_class WHERE oid = 'transactions'::regclass"));

        // When the real CLI plans 10e9 rows over the fleet
        var result = await CliRunner.RunAsync(["runbook", FlagshipSpec.Path, .. fleet.Fleet, "--rows", FullScale.ToString(CultureInfo.InvariantCulture)]);

        // Then the runbook is built from the first shard and its full-scale section names every shard
        result.ExitCode.ShouldBe(0, result.StdErr);
        var md = result.StdOut;
        md.ShouldContain("fleet test-fleet (3 shard(s): s1, s2, s3); plan and steps from shard s1");
        md.ShouldContain($"## {ScaleEstimateSection.Heading}");
        md.ShouldContain("The rows are split in proportion to each shard's current rows of the table");
        // and each shard's share is its part of today's rows, the shares adding up to the full scale
        var shares = new List<long>();
        for (var shard = 0; shard < FleetClusters.Count; shard++)
        {
            var row = Cells(md, $"| {FleetLedger.ShardName(shard)} | {today[shard]:N0} | ");
            var share = long.Parse(row[2], NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
            ((double)share).ShouldBe((double)FullScale * today[shard] / today.Sum(), 1.0);
            shares.Add(share);
            md.ShouldContain($"| {FleetLedger.ShardName(shard)} | backfill rate | ");
        }
        shares.Sum().ShouldBe(FullScale);
        // and the fleet's total is the sum of the per-phase maxima printed, Backfill's set by s3, which has the most rows
        var phases = PhaseRows(md);
        phases.Single(p => p[0] == "Backfill")[3].ShouldBe("s3");
        var total = Cells(md, $"| {FleetScaleEstimateSection.FleetTotalRow} | ");
        long.Parse(total[2], CultureInfo.InvariantCulture).ShouldBe(phases.Where(p => p[2] != "-").Sum(p => long.Parse(p[2], CultureInfo.InvariantCulture)));
        phases.Single(p => p[0] == "Cutover")[1].ShouldBe("people-paced");
        md.ShouldContain("Bottleneck: shard s3 sets the longest phase (Backfill)");

        // When the same is asked as HTML
        var html = await CliRunner.RunAsync(["runbook", FlagshipSpec.Path, .. fleet.Fleet, "--rows", FullScale.ToString(CultureInfo.InvariantCulture), "--format", "html"]);

        // Then the section renders there too, naming the shards
        html.ExitCode.ShouldBe(0, html.StdErr);
        html.StdOut.ShouldContain(ScaleEstimateSection.Heading);
        html.StdOut.ShouldContain($"<td>{FleetScaleEstimateSection.FleetTotalRow}</td>");
        html.StdOut.ShouldContain("<td>s3</td>");
    }

    [Fact]
    public async Task RunbookFleet_WithoutRows_WritesTheRunbookFromTheFirstShardWithoutAScaleSection()
    {
        // Given
        await using var fleet = await FleetLedger.CreateAsync(clusters, rows: 100);

        // When
        var result = await CliRunner.RunAsync(["runbook", FlagshipSpec.Path, .. fleet.Fleet]);

        // Then
        result.ExitCode.ShouldBe(0, result.StdErr);
        result.StdOut.ShouldContain("plan and steps from shard s1");
        result.StdOut.ShouldNotContain(ScaleEstimateSection.Heading);
    }

    /// <summary>The cells of the markdown table row that starts with <paramref name="start"/>.</summary>
    private static string[] Cells(string markdown, string start) =>
        markdown.Split('\n').First(l => l.StartsWith(start, StringComparison.Ordinal)).Trim().Trim('|').Split(" | ").Select(c => c.Trim()).ToArray();

    /// <summary>The rows of the fleet's phase table (phase, fleet time, seconds, slowest shard), without its total.</summary>
    private static List<string[]> PhaseRows(string markdown)
    {
        var lines = markdown.Split('\n').SkipWhile(l => !l.StartsWith("| phase | fleet time | seconds | slowest shard |", StringComparison.Ordinal)).Skip(2)
            .TakeWhile(l => l.StartsWith('|') && !l.StartsWith($"| {FleetScaleEstimateSection.FleetTotalRow}", StringComparison.Ordinal));
        return [.. lines.Select(l => l.Trim().Trim('|').Split(" | ").Select(c => c.Trim()).ToArray())];
    }
}
