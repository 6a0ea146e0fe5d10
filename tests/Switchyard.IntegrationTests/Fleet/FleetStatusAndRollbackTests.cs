using Switchyard.Core.Journal;
using Switchyard.IntegrationTests.Engine;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Fleet;

[Collection(FleetCollection.Name)]
public sealed class FleetStatusAndRollbackTests(FleetClusters clusters)
{
    [Fact]
    public async Task StatusFleet_AfterOneShardWasRolledBack_PrintsOneLinePerShardAndTheLowestPhase()
    {
        // Given a fleet backfilled everywhere, then s2 rolled back to Expand
        await using var fleet = await FleetLedger.CreateAsync(clusters);
        (await CliRunner.RunAsync(["apply", FlagshipSpec.Path, .. fleet.Fleet, "--to", "backfill"])).ExitCode.ShouldBe(0);
        (await CliRunner.RunAsync(["rollback", .. fleet.Fleet, "--shard", "s2", "--to", "expand"])).ExitCode.ShouldBe(0);

        // When status is asked for the fleet
        var status = await CliRunner.RunAsync(["status", .. fleet.Fleet]);

        // Then each shard has its line (phase, state, backfill progress, guard decision) and the fleet is at the lowest phase
        status.ExitCode.ShouldBe(0, status.StdErr);
        var lines = status.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(4, status.StdOut);
        lines[0].ShouldStartWith("s1");
        lines[0].ShouldContain("phase backfill  state waiting  backfill 100% 20,000/20,000 rows");
        lines[0].ShouldContain("guard ");
        lines[1].ShouldStartWith("s2");
        lines[1].ShouldContain("phase expand");
        lines[2].ShouldStartWith("s3");
        lines[2].ShouldContain("phase backfill  state waiting");
        lines[3].ShouldBe("fleet test-fleet: phase expand (the lowest of its 3 shards)");
    }

    [Fact]
    public async Task RollbackFleet_BeforeContract_RollsBackOneShardThenEveryShard()
    {
        // Given a fleet that passed Validate everywhere
        await using var fleet = await FleetLedger.CreateAsync(clusters);
        var before = new[] { await fleet.InvariantsAsync(0), await fleet.InvariantsAsync(1), await fleet.InvariantsAsync(2) };
        (await CliRunner.RunAsync(["apply", FlagshipSpec.Path, .. fleet.Fleet])).ExitCode.ShouldBe(0);

        // When only s1 is rolled back
        var one = await CliRunner.RunAsync(["rollback", .. fleet.Fleet, "--shard", "s1"]);

        // Then s1 is rolled back and the others still wait at the Cutover gate
        one.ExitCode.ShouldBe(0, one.StdOut + one.StdErr);
        (await fleet.JournalAsync(0, FlagshipSpec.Name)).State.ShouldBe(MigrationStates.RolledBack);
        (await fleet.JournalAsync(1, FlagshipSpec.Name)).ShouldBe(("validate", MigrationStates.Waiting));
        (await fleet.JournalAsync(2, FlagshipSpec.Name)).ShouldBe(("validate", MigrationStates.Waiting));

        // When the whole fleet is rolled back
        var all = await CliRunner.RunAsync(["rollback", .. fleet.Fleet]);

        // Then every shard is back to the legacy shape with its money untouched
        all.ExitCode.ShouldBe(0, all.StdOut + all.StdErr);
        for (var shard = 0; shard < 3; shard++)
        {
            (await fleet.JournalAsync(shard, FlagshipSpec.Name)).State.ShouldBe(MigrationStates.RolledBack);
            (await fleet.ScalarAsync<bool>(shard, "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'transactions'::regclass AND attname = 'state_id' AND NOT attisdropped)")).ShouldBeFalse();
            (await fleet.InvariantsAsync(shard)).SameMoneyAs(before[shard]).ShouldBeTrue();
        }
    }

    [Fact]
    public async Task RollbackFleet_WithAShardTheFleetDoesNotHave_FailsInOneLineWithExitTwo()
    {
        // Given a fleet file
        await using var fleet = await FleetLedger.CreateAsync(clusters, rows: 100);

        // When rollback names a shard it does not have
        var result = await CliRunner.RunAsync(["rollback", .. fleet.Fleet, "--shard", "s9"]);

        // Then one line, exit 2, listing the shards
        result.ExitCode.ShouldBe(2);
        result.StdErr.ShouldContain("has no shard named 's9'");
        result.StdErr.ShouldNotContain("   at ");
    }
}
