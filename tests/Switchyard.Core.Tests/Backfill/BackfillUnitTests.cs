using Switchyard.Core.Backfill;
using Switchyard.Core.Operations;
using Switchyard.Core.Operations.NormalizeColumn;
using Switchyard.Samples.Ledger.Schema;

namespace Switchyard.Core.Tests.Backfill;

/// <summary>A clock that moves only when told to.</summary>
internal sealed class ManualTime : TimeProvider
{
    private long _ticks;
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    public override long GetTimestamp() => _ticks;
    public void Advance(TimeSpan by) => _ticks += by.Ticks;
}

public sealed class RowRateThrottleTests
{
    private static BatchContext At(long rowsDone) => new("m", 0, rowsDone, 1_000_000, 0);

    [Fact]
    public async Task RowsAheadOfTheBudget_WaitExactlyUntilTheBudgetCatchesUp()
    {
        // Given a 1,000 rows/s limit
        var time = new ManualTime();
        var throttle = new RowRateThrottle(1_000, time);

        // When 500 rows are done at once, then asked again half a second later with 1,500 done
        var first = await throttle.BeforeBatchAsync(At(0), CancellationToken.None);
        var second = await throttle.BeforeBatchAsync(At(500), CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(500));
        var third = await throttle.BeforeBatchAsync(At(1_500), CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(1));
        var fourth = await throttle.BeforeBatchAsync(At(1_500), CancellationToken.None);

        // Then the first batch proceeds, and each later one waits for exactly the excess
        first.Action.ShouldBe(ThrottleAction.Proceed);
        second.Action.ShouldBe(ThrottleAction.Slow);
        second.Delay.ShouldBe(TimeSpan.FromMilliseconds(500));
        third.Delay.ShouldBe(TimeSpan.FromSeconds(1));
        fourth.Action.ShouldBe(ThrottleAction.Proceed);
    }

    [Fact]
    public async Task RowsDoneByAnEarlierRun_DoNotCountAgainstThisOne()
    {
        var throttle = new RowRateThrottle(100, new ManualTime());
        (await throttle.BeforeBatchAsync(At(1_000_000), CancellationToken.None)).Action.ShouldBe(ThrottleAction.Proceed);
    }

    [Fact]
    public void ANonPositiveLimit_IsRejectedWithAHint()
    {
        Should.Throw<SwitchyardException>(() => new RowRateThrottle(0)).Hint!.ShouldContain("--max-rows-per-second");
    }
}

public sealed class BatchSizerTests
{
    private static readonly BackfillOptions Options = new() { InitialBatchKeys = 1_000, MinBatchKeys = 100, MaxBatchKeys = 10_000, TargetBatchTime = TimeSpan.FromMilliseconds(200) };

    [Fact]
    public void FastBatches_Grow_AtMostFourfoldPerBatchAndUpToTheMax()
    {
        var sizer = new BatchSizer(Options);
        sizer.Observe(1_000, TimeSpan.FromMilliseconds(1));
        sizer.Keys.ShouldBe(2_000);
        for (var i = 0; i < 20; i++) sizer.Observe(sizer.Keys, TimeSpan.FromMilliseconds(1));
        sizer.Keys.ShouldBe(10_000);
    }

    [Fact]
    public void SlowBatches_Shrink_DownToTheMin()
    {
        var sizer = new BatchSizer(Options);
        sizer.Observe(1_000, TimeSpan.FromMilliseconds(800));
        sizer.Keys.ShouldBe(500);
        for (var i = 0; i < 20; i++) sizer.Observe(sizer.Keys, TimeSpan.FromSeconds(5));
        sizer.Keys.ShouldBe(100);
    }

    [Fact]
    public void BatchesOnTarget_KeepTheirSize()
    {
        var sizer = new BatchSizer(Options);
        sizer.Observe(1_000, TimeSpan.FromMilliseconds(200));
        sizer.Keys.ShouldBe(1_000);
    }

    [Fact]
    public void Split_HalvesUntilTheMin_ThenSaysItCannot()
    {
        var sizer = new BatchSizer(Options);
        sizer.Split().ShouldBeTrue();
        sizer.Keys.ShouldBe(500);
        while (sizer.Split()) { }
        sizer.Keys.ShouldBe(100);
    }
}

public sealed class BackfillPlanningTests
{
    [Fact]
    public void KeySpace_SplitsIntoContiguousDisjointRangesCoveringEveryKey()
    {
        var ranges = BackfillStore.Split(1, 5_000_001, 2).ToList();
        ranges.ShouldBe([(1L, 2_500_001L, 0), (2_500_001L, 5_000_001L, 1)]);
        BackfillStore.Split(10, 13, 8).Count().ShouldBe(3);
        BackfillStore.Split(10, 10, 2).ShouldBeEmpty();
    }

    [Fact]
    public void TheBatchUpdate_MapsInline_BypassesNothingItShouldNotAndCommitsTheCursorInTheSameStatement()
    {
        var target = LedgerFlagship.Target();
        var statements = new BackfillStatements(target, new Dictionary<string, long> { ["authorized"] = 1, ["settled"] = 3 }, null);

        // Codes, ids and aliases are bound ($8-$10), never part of the SQL text
        statements.MappedSql.ShouldContain("($9::bigint[])[array_position($8::text[]");
        statements.MappedSql.ShouldContain("$10::jsonb");
        foreach (var value in new[] { "authorized", "settled", "setled", "captrued" }) statements.BatchSql.ShouldNotContain(value);
        // The aliases come first with their code's id (NULL when the lookup lacks the code), so an alias wins as in CodeSql
        ((string[])statements.BatchParameters[0].Value!).ShouldBe([.. target.Aliases.Keys, "authorized", "settled"]);
        ((long?[])statements.BatchParameters[1].Value!).ShouldBe(
            [.. target.Aliases.Values.Select(code => code switch { "authorized" => 1L, "settled" => 3L, _ => (long?)null }), 1L, 3L]);
        ((string)statements.BatchParameters[2].Value!).ShouldContain("\"setled\":\"settled\"");
        statements.MappedSql.ShouldContain("switchyard.backfill_unmapped");
        statements.BatchSql.ShouldContain("IS DISTINCT FROM");
        statements.BatchSql.ShouldContain("UPDATE switchyard.backfill_ranges");
        statements.BatchSql.ShouldContain("g.next_key = $1");
        // An early pass binds the same values from $5 and fills only NULL rows of its residue class
        var pass = statements.PassSqlFor("public.transactions");
        pass.ShouldContain("($6::bigint[])[array_position($5::text[]");
        pass.ShouldContain("% $3 = $4");
        pass.ShouldContain("IS NULL");
        foreach (var value in new[] { "authorized", "settled", "setled" }) pass.ShouldNotContain(value);
        new BackfillStatements(target, new Dictionary<string, long>(), 9).MappedSql.ShouldNotContain("backfill_unmapped");
    }

    [Fact]
    public void InvalidOptions_AreRejectedWithTheValues()
    {
        Should.Throw<SwitchyardException>(() => new BackfillOptions { Workers = 0 }.Validate()).Message.ShouldContain("0");
        Should.Throw<SwitchyardException>(() => new BackfillOptions { MinBatchKeys = 10, MaxBatchKeys = 5 }.Validate());
        Should.Throw<SwitchyardException>(() => new BackfillRequest("m", LedgerFlagship.Target(new UnmappedPolicy(UnmappedAction.MapTo)), new BackfillOptions()).Validate())
            .Hint!.ShouldContain("map_to");
    }
}
