using Switchyard.Core.Backfill;

namespace Switchyard.Core.Tests.Backfill;

public sealed class HotPassScheduleTests
{
    /// <summary>Runs a schedule to its end, committing every batch as proposed, and returns the batches.</summary>
    private static List<BatchWindows> RunToEnd(HotPassSchedule schedule, long keys)
    {
        var batches = new List<BatchWindows>();
        while (!schedule.Done)
        {
            var batch = schedule.Next(keys);
            batches.Add(batch);
            schedule.Committed(batch);
            batches.Count.ShouldBeLessThan(10_000, "the schedule must end");
        }
        return batches;
    }

    [Fact]
    public void Schedule_SixteenPassesLagOne_TrailsTileTheRangeInOrderOnce()
    {
        // Given a range [100, 1100) visited 16 times per 50-key window, one batch apart
        var schedule = new HotPassSchedule(100, 1100, passes: 16, lag: 1);

        // When every proposed batch commits
        var batches = RunToEnd(schedule, keys: 50);

        // Then the trails (which move the committed cursor) cover every key exactly once, contiguously from the start
        var trails = batches.Select(b => b.Trail).Where(t => !t.IsEmpty).ToList();
        trails[0].From.ShouldBe(100);
        trails.Zip(trails.Skip(1)).ShouldAllBe(p => p.First.To == p.Second.From);
        trails[^1].To.ShouldBe(1100);
        schedule.Cursor.ShouldBe(1100);
        // And the leads (first passes) tile the range too, each window opened once
        var leads = batches.Select(b => b.Lead).Where(l => !l.IsEmpty).ToList();
        leads.Sum(l => l.Width).ShouldBe(1000);
        leads.Zip(leads.Skip(1)).ShouldAllBe(p => p.First.To == p.Second.From);
    }

    [Fact]
    public void Schedule_SixteenPassesLagOne_EveryWindowGetsResiduesOneToFourteenInOrderBeforeItsTrail()
    {
        // Given 16 passes, lag 1
        var schedule = new HotPassSchedule(0, 2000, passes: 16, lag: 1);

        // When it runs to the end
        var batches = RunToEnd(schedule, keys: 100);

        // Then each window got its lead (residue 0) at batch n, residue r at batch n + r for r = 1..14, and its trail at n + 15
        for (var n = 0; n < 20; n++)
        {
            var window = batches[n].Lead;
            for (var r = 1; r <= 14; r++) batches[n + r].Passes.ShouldContain(new PassWindow(window, r));
            batches[n + 15].Trail.ShouldBe(window);
        }
        batches.ShouldAllBe(b => b.Passes.Count <= 14);
        // No batch visits a window twice, and none is empty of work
        batches.ShouldAllBe(b => b.Passes.Select(p => p.Window).Distinct().Count() == b.Passes.Count);
        batches.ShouldAllBe(b => !b.Trail.IsEmpty || !b.Lead.IsEmpty || b.Passes.Count > 0);
    }

    [Fact]
    public void Schedule_LagTwo_VisitsAWindowEveryOtherBatch()
    {
        // Given 4 passes, two batches apart
        var schedule = new HotPassSchedule(0, 1000, passes: 4, lag: 2);

        // When it runs
        var batches = RunToEnd(schedule, keys: 100);

        // Then the window opened at batch 0 gets residue 1 at batch 2, residue 2 at batch 4, and completes at batch 6
        var first = batches[0].Lead;
        batches[1].Passes.ShouldNotContain(p => p.Window == first);
        batches[2].Passes.ShouldContain(new PassWindow(first, 1));
        batches[4].Passes.ShouldContain(new PassWindow(first, 2));
        batches[6].Trail.ShouldBe(first);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(16, 0)]
    public void Schedule_PassesOff_EveryBatchIsOneTrailWindow(int passes, int lag)
    {
        // Given a schedule with the passes off (one pass, or lag 0 as for a touch backfill)
        var schedule = new HotPassSchedule(0, 250, passes, lag);

        // When it runs
        var batches = RunToEnd(schedule, keys: 100);

        // Then each batch completes the next window, with no lead and no early passes
        batches.Select(b => b.Trail).ShouldBe([new KeyWindow(0, 100), new KeyWindow(100, 200), new KeyWindow(200, 250)]);
        batches.ShouldAllBe(b => b.Lead.IsEmpty && b.Passes.Count == 0);
    }

    [Fact]
    public void Split_OfABatchWithPasses_DropsThePassesThenHalvesLeadThenTrail()
    {
        // Given a batch with a trail, a lead and an early pass
        var batch = new BatchWindows(new KeyWindow(0, 100), new KeyWindow(300, 400), [new PassWindow(new KeyWindow(200, 300), 3)]);

        // When it is split after statement timeouts
        var once = batch.Split(minKeys: 20)!;
        var thrice = once.Split(20)!.Split(20)!;

        // Then the passes go first, the lead halves down to the minimum, then the trail halves
        once.ShouldBe(new BatchWindows(new KeyWindow(0, 100), new KeyWindow(300, 350), []), BatchWindowsComparer.Instance);
        thrice.Lead.ShouldBe(new KeyWindow(300, 320));
        thrice.Trail.ShouldBe(new KeyWindow(0, 100));
        thrice.Split(20)!.Trail.ShouldBe(new KeyWindow(0, 50));
        var atMinimum = new BatchWindows(new KeyWindow(0, 20), new KeyWindow(40, 60), [new PassWindow(new KeyWindow(20, 40), 1)]);
        atMinimum.Split(20)!.Passes.ShouldBeEmpty();
        atMinimum.Split(20)!.Split(20).ShouldBeNull();
    }

    [Fact]
    public void Committed_ASplitTrail_KeepsTheRestOfTheWindowForTheNextBatch()
    {
        // Given a 2-pass schedule whose first window is due as the trail
        var schedule = new HotPassSchedule(0, 1000, passes: 2, lag: 1);
        schedule.Committed(schedule.Next(100));               // lead [0, 100)
        var due = schedule.Next(100);
        due.Trail.ShouldBe(new KeyWindow(0, 100));

        // When only the first half of that trail commits (a split)
        schedule.Committed(due with { Trail = new KeyWindow(0, 50), Passes = [] });

        // Then the cursor is at 50 and the next trail is the window's other half
        schedule.Cursor.ShouldBe(50);
        schedule.Next(100).Trail.ShouldBe(new KeyWindow(50, 100));
    }

    /// <summary>Records compare lists by reference; this compares the windows.</summary>
    private sealed class BatchWindowsComparer : IEqualityComparer<BatchWindows>
    {
        public static readonly BatchWindowsComparer Instance = new();
        public bool Equals(BatchWindows? x, BatchWindows? y) =>
            x is not null && y is not null && x.Trail == y.Trail && x.Lead == y.Lead && x.Passes.SequenceEqual(y.Passes);
        public int GetHashCode(BatchWindows obj) => HashCode.Combine(obj.Trail, obj.Lead, obj.Passes.Count);
    }
}
