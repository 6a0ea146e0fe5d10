using Switchyard.Compat.Flags;
using Switchyard.Compat.Reads;
using Switchyard.Compat.Rollout;

namespace Switchyard.IntegrationTests.Compat;

/// <summary>Pure unit tests (no database): the percentage rollout's share and stickiness.</summary>
public sealed class StickyRolloutTests
{
    private const string Flag = "public.transactions.status";
    private static readonly string[] Keys = [.. Enumerable.Range(1, 10_000).Select(i => (1_000_000L + i * 7919L).ToString(System.Globalization.CultureInfo.InvariantCulture))];

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(10)]
    [InlineData(25)]
    [InlineData(50)]
    [InlineData(75)]
    [InlineData(90)]
    [InlineData(99)]
    public void Share_Of10000Keys_IsWithinTwoPointsOfTheRequestedPercent(int percent)
    {
        // Given 10,000 account ids
        // When the rollout is at N%
        var share = 100.0 * Keys.Count(k => StickyRollout.Includes(Flag, k, percent)) / Keys.Length;

        // Then the share reading new is N ± 2 percentage points
        share.ShouldBeInRange(percent - 2.0, percent + 2.0);
    }

    [Fact]
    public void Key_InAtNPercent_StaysInAtEveryHigherPercent()
    {
        // Given every key's decision at every percent 0..100
        var flips = 0;
        foreach (var key in Keys)
        {
            var wasIn = false;
            for (var percent = 0; percent <= 100; percent++)
            {
                var isIn = StickyRollout.Includes(Flag, key, percent);
                // Then once in, never out again as the share grows
                if (wasIn && !isIn) flips++;
                wasIn = isIn;
            }
            // And everyone is in at 100, no one at 0
            StickyRollout.Includes(Flag, key, 100).ShouldBeTrue();
            StickyRollout.Includes(Flag, key, 0).ShouldBeFalse();
        }
        flips.ShouldBe(0);
    }

    [Fact]
    public void SameKey_AlwaysGetsTheSameBucketAndRoute()
    {
        // Given a flag at 30% new
        var flag = new CompatFlag(Flag, ReadMode.New, 30, WriteMode.Both, 3, DateTimeOffset.UnixEpoch);

        // When each key is routed twice (and its bucket computed twice)
        // Then the answers agree, and the route is New exactly when the key is in the rollout
        foreach (var key in Keys.Take(2_000))
        {
            StickyRollout.Bucket(Flag, key).ShouldBe(StickyRollout.Bucket(Flag, key));
            ReadRouting.Route(flag, key).ShouldBe(StickyRollout.Includes(Flag, key, 30) ? ReadPath.New : ReadPath.Legacy);
        }
    }

    [Fact]
    public void DifferentFlags_PickIndependentCohorts()
    {
        // Given two migrations at 50%
        // When the same keys are routed for both
        var both = Keys.Count(k => StickyRollout.Includes(Flag, k, 50) && StickyRollout.Includes("public.accounts.kind", k, 50));

        // Then the overlap is about a quarter, not the same half
        (100.0 * both / Keys.Length).ShouldBeInRange(22.0, 28.0);
    }

    [Fact]
    public void Routes_FollowTheReadMode()
    {
        // Given each read mode
        // Then legacy → Legacy, shadow → Shadow, new_only → New whatever the percent, new at 0% → Legacy
        ReadRouting.Route(new CompatFlag(Flag, ReadMode.Legacy, 100, WriteMode.Legacy, 1, default), "42").ShouldBe(ReadPath.Legacy);
        ReadRouting.Route(new CompatFlag(Flag, ReadMode.Shadow, 0, WriteMode.Both, 1, default), "42").ShouldBe(ReadPath.Shadow);
        ReadRouting.Route(new CompatFlag(Flag, ReadMode.NewOnly, 0, WriteMode.New, 1, default), "42").ShouldBe(ReadPath.New);
        Keys.Any(k => ReadRouting.Route(new CompatFlag(Flag, ReadMode.New, 0, WriteMode.Both, 1, default), k) != ReadPath.Legacy).ShouldBeFalse();
    }
}
