using Switchyard.Core.Runbook;
using Switchyard.Core.Runbook.Scale;

namespace Switchyard.Core.Tests.Runbook;

public sealed class FleetScaleEstimateTests
{
    private static ScaleInputs Inputs(double backfillRowsPerSecond, double walBytesPerRow, double replicaMBps) => new()
    {
        Rows = 0,
        BackfillRowsPerSecond = new ScaleFigure(backfillRowsPerSecond, "measured"),
        IndexBuildMBPerSecond = new ScaleFigure(100, "measured"),
        ScanRowsPerSecond = new ScaleFigure(1_000_000, "measured"),
        BytesPerRow = new ScaleFigure(100, "measured"),
        WalBytesPerRow = new ScaleFigure(walBytesPerRow, "measured"),
        ReplicaApplyMBPerSecond = new ScaleFigure(replicaMBps, "measured"),
        IoMBPerSecond = new ScaleFigure(1_000, "measured"),
        Phases =
        [
            new ScalePhaseWork("Expand", 0, 0, 0),
            new ScalePhaseWork("Backfill", 1, 0, 0),
            new ScalePhaseWork("Validate", 0, 1, 2),
            new ScalePhaseWork("Cutover", 0, 0, 0, PeoplePaced: true),
        ],
    };

    /// <summary>eu: 1,000 rows today, its own backfill at 10,000 rows/s binds; us: 3,000 rows today, its replicas bind (50 MB/s ÷ 800 B = 62,500 rows/s).</summary>
    private static FleetShardScaleInputs[] TwoShards() =>
    [
        new("eu", 1_000, Inputs(10_000, 100, 50)),
        new("us", 3_000, Inputs(80_000, 800, 50)),
    ];

    [Fact]
    public void Compute_TwoShardsWithDifferentRowsAndRates_SplitsByRowsAndSumsTheSlowestShardOfEachPhase()
    {
        // Given 10,000,000 rows over eu (1,000 rows today) and us (3,000 rows today)
        var shards = TwoShards();

        // When
        var fleet = FleetScaleEstimate.Compute(10_000_000, shards);

        // Then us, with three times the rows, gets three times the share
        fleet.Split.Proportional.ShouldBeTrue();
        fleet.Shards.Select(s => s.RowsShare).ShouldBe([2_500_000, 7_500_000]);
        // and each shard is bound by its own ceiling
        fleet.Shards[0].Estimate.Bottleneck.Name.ShouldBe(ScaleEstimate.BackfillRate);
        fleet.Shards[1].Estimate.Bottleneck.Name.ShouldBe(ScaleEstimate.ReplicaApply);
        // and Backfill takes eu's 2.5e6 / 10,000 = 250 s (us: 7.5e6 / 62,500 = 120 s)
        var phases = fleet.Phases.ToDictionary(p => p.Phase);
        phases["Backfill"].Fleet!.Value.TotalSeconds.ShouldBe(250);
        phases["Backfill"].SlowestShard.ShouldBe("eu");
        // and Validate takes us's 7.5e6 × 100 B ÷ 100 MB/s + 2 × 7.5e6 ÷ 1e6 = 22.5 s, rounded up to 23 s (eu: 7.5 s)
        phases["Validate"].Fleet!.Value.TotalSeconds.ShouldBe(23);
        phases["Validate"].SlowestShard.ShouldBe("us");
        phases["Expand"].Fleet!.Value.ShouldBe(TimeSpan.Zero);
        phases["Expand"].SlowestShard.ShouldBeNull();
        phases["Cutover"].Fleet.ShouldBeNull();
        phases["Cutover"].SlowestShard.ShouldBeNull();
        // and the fleet takes the sum of the per-phase maxima, 273 s, more than either shard's own total (257.5 s, 142.5 s)
        fleet.FleetTotal.TotalSeconds.ShouldBe(273);
        fleet.Shards[0].Estimate.PerShardTotal.TotalSeconds.ShouldBe(257.5, 0.001);
        fleet.Shards[1].Estimate.PerShardTotal.TotalSeconds.ShouldBe(142.5, 0.001);
        fleet.Shards.Select(s => s.BarrierWait.TotalSeconds).ShouldBe([15.5, 130.5], tolerance: 0.001);
        fleet.BarrierWaitTotal.TotalSeconds.ShouldBe(146, 0.001);
        // and the bottleneck is eu, which sets the longest phase with its own backfill rate
        fleet.Bottleneck.Shard.ShouldBe("eu");
        fleet.Bottleneck.Phase.ShouldBe("Backfill");
        fleet.Bottleneck.Limit.Name.ShouldBe(ScaleEstimate.BackfillRate);
    }

    [Fact]
    public void Split_RowsOneTwoThree_SharesAddUpToTheTotalByLargestRemainder()
    {
        // When 10e9 rows are split over shards holding 100, 200 and 300 rows
        var split = FleetRowSplit.Split(10_000_000_000, [100, 200, 300]);

        // Then 1/6, 2/6, 3/6: the one row left by rounding down goes to the largest fraction (1,666,666,666.67)
        split.Shares.ShouldBe([1_666_666_667, 3_333_333_333, 5_000_000_000]);
        split.Rule.ShouldContain("in proportion to each shard's current rows");
    }

    [Fact]
    public void Split_EveryShardEmpty_SplitsEvenly()
    {
        // When
        var split = FleetRowSplit.Split(10, [0, 0, 0]);

        // Then
        split.Proportional.ShouldBeFalse();
        split.Shares.ShouldBe([4, 3, 3]);
        split.Rule.ShouldContain("evenly, because every shard's table is empty");
    }

    [Fact]
    public void Split_AShardNeverAnalyzed_SplitsEvenlyAndSaysWhy()
    {
        // When one shard's count is unknown
        var split = FleetRowSplit.Split(9, [5, null, 1]);

        // Then it is not read as empty: the split is even
        split.Shares.ShouldBe([3, 3, 3]);
        split.Rule.ShouldContain("never analyzed");
    }

    [Fact]
    public void Build_TwoShards_NamesEveryShardThePerPhaseMaximaAndTheirSum()
    {
        // Given
        var fleet = FleetScaleEstimate.Compute(10_000_000, TwoShards());

        // When
        var md = RunbookRenderer.Render(new RunbookDocument("t", [FleetScaleEstimateSection.Build("payments", fleet)]), RunbookFormat.Markdown);

        // Then
        md.ShouldContain("| eu | 1,000 | 2,500,000 | 100 B | backfill rate | 10,000 |");
        md.ShouldContain("| us | 3,000 | 7,500,000 | 100 B | replica apply | 62,500 |");
        md.ShouldContain("| Backfill | 4 min | 250 | eu |");
        md.ShouldContain("| Validate | 23 s | 23 | us |");
        md.ShouldContain("| Cutover | people-paced | - | - |");
        md.ShouldContain($"| {FleetScaleEstimateSection.FleetTotalRow} | 5 min | 273 | eu (bottleneck) |");
        md.ShouldContain("Bottleneck: shard eu sets the longest phase (Backfill); its backfill of 2,500,000 rows is bound by its own backfill rate (10,000 rows/s");
    }
}
