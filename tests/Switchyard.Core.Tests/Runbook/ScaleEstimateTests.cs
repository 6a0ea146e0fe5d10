using Switchyard.Core.Runbook.Scale;

namespace Switchyard.Core.Tests.Runbook;

public sealed class ScaleEstimateTests
{
    private static ScaleInputs Inputs(double backfillRowsPerSecond, double walBytesPerRow, double replicaMBps, int shards = 1) => new()
    {
        Rows = 10_000_000_000,
        Shards = shards,
        BackfillRowsPerSecond = new ScaleFigure(backfillRowsPerSecond, "measured"),
        IndexBuildMBPerSecond = new ScaleFigure(100, "measured"),
        ScanRowsPerSecond = new ScaleFigure(1_000_000, "measured"),
        BytesPerRow = new ScaleFigure(100, "measured"),
        WalBytesPerRow = new ScaleFigure(walBytesPerRow, "measured"),
        ReplicaApplyMBPerSecond = new ScaleFigure(replicaMBps, "measured"),
        IoMBPerSecond = new ScaleFigure(1_000, "measured"),
        LagThresholdSeconds = 10,
        Phases =
        [
            new ScalePhaseWork("Expand", 0, 0, 0),
            new ScalePhaseWork("Backfill", 1, 0, 0),
            new ScalePhaseWork("Validate", 0, 1, 2),
            new ScalePhaseWork("Cutover", 0, 0, 0, PeoplePaced: true),
        ],
    };

    [Fact]
    public void Compute_ReplicasKeepUpWithTheMeasuredRate_BackfillRateBindsAndTakes34Point7Hours()
    {
        // Given 10e9 rows at 80,000 rows/s writing 100 B of WAL per row to 50 MB/s replicas (8 MB/s written)
        var inputs = Inputs(80_000, 100, 50);

        // When
        var estimate = ScaleEstimate.Compute(inputs);

        // Then the backfill's own rate is the bottleneck: 10e9 / 80,000 = 125,000 s = 34.7 h, and no lag builds up
        estimate.Bottleneck.Name.ShouldBe(ScaleEstimate.BackfillRate);
        var backfill = estimate.Phases.Single(p => p.Phase == "Backfill").PerShard!.Value;
        backfill.TotalSeconds.ShouldBe(125_000, 0.001);
        ScaleEstimateSection.Duration(backfill).ShouldBe("34.7 h");
        estimate.LagThresholdReachedAfter.ShouldBeNull();
    }

    [Fact]
    public void Compute_Wal800BytesPerRowAnd50MBpsReplicas_ReplicaApplyBindsAt62500RowsPerSecond()
    {
        // Given the same backfill writing 800 B of WAL per row (64 MB/s) to replicas that replay 50 MB/s
        var inputs = Inputs(80_000, 800, 50);

        // When
        var estimate = ScaleEstimate.Compute(inputs);

        // Then replica apply binds at 50e6 / 800 = 62,500 rows/s: 10e9 rows take 160,000 s
        estimate.Bottleneck.Name.ShouldBe(ScaleEstimate.ReplicaApply);
        estimate.BackfillRowsPerSecond.ShouldBe(62_500, 0.001);
        estimate.Phases.Single(p => p.Phase == "Backfill").PerShard!.Value.TotalSeconds.ShouldBe(160_000, 0.001);
        // and unthrottled, the 14 MB/s surplus reaches 10 s of lag (500 MB of backlog) after 10 × 50 / 14 s
        estimate.LagThresholdReachedAfter!.Value.TotalSeconds.ShouldBe(10 * 50.0 / 14, 0.001);
    }

    [Fact]
    public void Compute_SlowDisk_IoBindsOnWalPlusHeapBytes()
    {
        // Given a 45 MB/s disk: each row writes 800 B of WAL and a 100 B heap tuple
        var inputs = Inputs(80_000, 800, 500) with { IoMBPerSecond = new ScaleFigure(45, "given") };

        // When
        var estimate = ScaleEstimate.Compute(inputs);

        // Then I/O binds at 45e6 / 900 = 50,000 rows/s
        estimate.Bottleneck.Name.ShouldBe(ScaleEstimate.Io);
        estimate.BackfillRowsPerSecond.ShouldBe(50_000, 0.001);
    }

    [Fact]
    public void Compute_FourShards_EachShardDoesAQuarterAndTheFleetTakesTheSlowestShard()
    {
        // Given the replica-bound backfill split evenly over 4 shards, each with its own replicas
        var inputs = Inputs(80_000, 800, 50, shards: 4);

        // When
        var estimate = ScaleEstimate.Compute(inputs);

        // Then each shard has 2.5e9 rows: backfill 40,000 s; Validate one index build (2.5e11 B at 100 MB/s = 2,500 s)
        // plus two scans (2 × 2,500 s); Cutover is people-paced and not counted
        estimate.RowsPerShard.ShouldBe(2_500_000_000);
        estimate.Phases.Single(p => p.Phase == "Backfill").PerShard!.Value.TotalSeconds.ShouldBe(40_000, 0.001);
        estimate.Phases.Single(p => p.Phase == "Validate").PerShard!.Value.TotalSeconds.ShouldBe(7_500, 0.001);
        estimate.Phases.Single(p => p.Phase == "Cutover").PerShard.ShouldBeNull();
        estimate.PerShardTotal.TotalSeconds.ShouldBe(47_500, 0.001);
        estimate.FleetTotal.ShouldBe(estimate.PerShardTotal);
    }
}
