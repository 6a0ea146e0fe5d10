using Switchyard.Core.Journal;
using Switchyard.IntegrationTests.Engine;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Fleet;

[Collection(FleetCollection.Name)]
public sealed class FleetApplyTests(FleetClusters clusters)
{
    private const int FailingShard = 1;

    [Fact]
    public async Task ShardFailingMidBackfill_HoldsEveryShardAtTheBarrier_ThenTheRerunCompletesTheFleet()
    {
        // Given three seeded shards, and on s2 a trigger that fails every update of one key range (the backfill's too)
        await using var fleet = await FleetLedger.CreateAsync(clusters);
        var before = new[] { await fleet.InvariantsAsync(0), await fleet.InvariantsAsync(1), await fleet.InvariantsAsync(2) };
        await fleet.ExecuteAsync(FailingShard, """
            CREATE FUNCTION injected_fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected fault on row %', OLD.id; END $$;
            CREATE TRIGGER injected_fault BEFORE UPDATE ON transactions FOR EACH ROW WHEN (OLD.id BETWEEN 12000 AND 12500) EXECUTE FUNCTION injected_fault();
            """);

        // When the fleet is applied
        var failed = await CliRunner.RunAsync(["apply", FlagshipSpec.Path, .. fleet.Fleet, "--workers", "2"]);

        // Then s2 failed in Backfill, the others finished Backfill and hold at the barrier, none went further
        failed.ExitCode.ShouldBe(5, failed.StdOut + failed.StdErr);
        failed.StdOut.ShouldContain("Held at the barrier of Backfill");
        (await fleet.JournalAsync(FailingShard, FlagshipSpec.Name)).ShouldBe(("backfill", MigrationStates.Failed));
        foreach (var shard in new[] { 0, 2 })
        {
            (await fleet.JournalAsync(shard, FlagshipSpec.Name)).ShouldBe(("backfill", MigrationStates.Waiting));
            (await fleet.ScalarAsync<long>(shard, "SELECT count(*) FROM switchyard.steps WHERE phase IN ('validate', 'cutover', 'contract') AND status <> 'pending'")).ShouldBe(0);
            (await fleet.ScalarAsync<long>(shard, "SELECT count(*) FROM transactions WHERE state_id IS NULL")).ShouldBe(0);
        }
        (await fleet.ScalarAsync<long>(FailingShard, "SELECT count(*) FROM switchyard.steps WHERE phase IN ('validate', 'cutover', 'contract') AND status <> 'pending'")).ShouldBe(0);
        for (var shard = 0; shard < 3; shard++)
        {
            var now = await fleet.InvariantsAsync(shard);
            now.SameMoneyAs(before[shard]).ShouldBeTrue($"{FleetLedger.ShardName(shard)}: {before[shard]} vs {now}");
            now.StatusStateDisagreements.ShouldBe(0);
        }
        var runIds = await RunIdsAsync(fleet);
        runIds.Distinct().Count().ShouldBe(1);
        runIds[0].ShouldNotBeNull();

        // When the fault is removed and the fleet re-applied
        await fleet.ExecuteAsync(FailingShard, "DROP TRIGGER injected_fault ON transactions; DROP FUNCTION injected_fault()");
        var rerun = await CliRunner.RunAsync(["apply", FlagshipSpec.Path, .. fleet.Fleet, "--workers", "2"]);

        // Then every shard passed Validate and waits at the Cutover gate, in the same fleet run
        rerun.ExitCode.ShouldBe(0, rerun.StdOut + rerun.StdErr);
        rerun.StdOut.ShouldContain("Every shard passed Validate");
        for (var shard = 0; shard < 3; shard++)
        {
            (await fleet.JournalAsync(shard, FlagshipSpec.Name)).ShouldBe(("validate", MigrationStates.Waiting));
            var now = await fleet.InvariantsAsync(shard);
            now.SameMoneyAs(before[shard]).ShouldBeTrue();
            now.StateMissing.ShouldBe(0);
        }
        (await RunIdsAsync(fleet)).ShouldBe(runIds);

        // When the flags are flipped on the fleet and Contract confirmed
        (await CliRunner.RunAsync(["cutover", .. fleet.Fleet, "--reads", "new_only", "--percent", "100", "--writes", "new"])).ExitCode.ShouldBe(0);
        var unconfirmed = await CliRunner.RunAsync(["apply", FlagshipSpec.Path, .. fleet.Fleet]);
        unconfirmed.StdOut.ShouldContain("--confirm " + FlagshipSpec.Name);
        (await fleet.JournalAsync(0, FlagshipSpec.Name)).ShouldBe(("cutover", MigrationStates.Waiting));
        var contract = await CliRunner.RunAsync(["apply", FlagshipSpec.Path, .. fleet.Fleet, "--confirm", FlagshipSpec.Name]);

        // Then the migration is complete on every shard and the money did not move
        contract.ExitCode.ShouldBe(0, contract.StdOut + contract.StdErr);
        contract.StdOut.ShouldContain("Migration complete on every shard");
        for (var shard = 0; shard < 3; shard++)
        {
            (await fleet.JournalAsync(shard, FlagshipSpec.Name)).State.ShouldBe(MigrationStates.Completed);
            (await fleet.InvariantsAsync(shard)).SameMoneyAs(before[shard]).ShouldBeTrue();
        }
    }

    [Fact]
    public async Task ShardFailingValidate_KeepsEveryShardOutOfCutover_AndFleetCutoverFlipsNoFlag()
    {
        // Given a fleet backfilled everywhere, and on s3 a row whose state_id disagrees with its status (written past the triggers)
        await using var fleet = await FleetLedger.CreateAsync(clusters);
        (await CliRunner.RunAsync(["apply", FlagshipSpec.Path, .. fleet.Fleet, "--to", "backfill"])).ExitCode.ShouldBe(0);
        await fleet.ExecuteAsync(2, """
            SET session_replication_role = replica;
            UPDATE transactions SET state_id = (SELECT id FROM transaction_state WHERE code = 'refunded')
            WHERE id = (SELECT min(id) FROM transactions WHERE status = 'settled');
            """);

        // When the fleet is applied through Validate
        var applied = await CliRunner.RunAsync(["apply", FlagshipSpec.Path, .. fleet.Fleet]);

        // Then s3 failed its Validate gate; s1 and s2 passed Validate and wait before Cutover
        applied.ExitCode.ShouldBe(5, applied.StdOut + applied.StdErr);
        (await fleet.JournalAsync(2, FlagshipSpec.Name)).ShouldBe(("validate", MigrationStates.Failed));
        (await fleet.JournalAsync(0, FlagshipSpec.Name)).ShouldBe(("validate", MigrationStates.Waiting));
        (await fleet.JournalAsync(1, FlagshipSpec.Name)).ShouldBe(("validate", MigrationStates.Waiting));

        // When the operator asks the fleet to cut over
        var cutover = await CliRunner.RunAsync(["cutover", .. fleet.Fleet, "--reads", "new_only", "--percent", "100", "--writes", "new"]);

        // Then it is refused and no shard entered Cutover: no flag left legacy, no cutover step ran
        cutover.ExitCode.ShouldBe(2, cutover.StdOut + cutover.StdErr);
        cutover.StdErr.ShouldContain("s3 (validate, failed");
        for (var shard = 0; shard < 3; shard++)
        {
            (await fleet.ScalarAsync<long>(shard, "SELECT count(*) FROM switchyard.events WHERE kind = 'flags_flipped'")).ShouldBe(0);
            (await fleet.ScalarAsync<long>(shard, "SELECT count(*) FROM switchyard.steps WHERE phase IN ('cutover', 'contract') AND status <> 'pending'")).ShouldBe(0);
        }

        // And a re-run of apply holds them there too
        var again = await CliRunner.RunAsync(["apply", FlagshipSpec.Path, .. fleet.Fleet]);
        again.ExitCode.ShouldBe(5);
        again.StdOut.ShouldContain("Held at the barrier of Validate");
        (await fleet.JournalAsync(0, FlagshipSpec.Name)).Phase.ShouldBe("validate");
    }

    [Fact]
    public async Task PausedShard_HoldsTheFleetAtTheBarrier_WithoutTouchingTheOthersBackfill()
    {
        // Given a fleet through Expand, and s2 paused by an operator on its own server
        await using var fleet = await FleetLedger.CreateAsync(clusters);
        (await CliRunner.RunAsync(["apply", FlagshipSpec.Path, .. fleet.Fleet, "--to", "expand"])).ExitCode.ShouldBe(0);
        var pause = await CliRunner.RunAsync(["pause", "-c", fleet.ConnectionStrings[1], "--reason", "replica maintenance"]);
        pause.ExitCode.ShouldBe(0, pause.StdErr);

        // When the fleet is applied
        var applied = await CliRunner.RunAsync(["apply", FlagshipSpec.Path, .. fleet.Fleet]);

        // Then s2 stays paused in Expand, s1 and s3 finish Backfill and hold there; nothing reaches Validate
        applied.ExitCode.ShouldBe(5, applied.StdOut + applied.StdErr);
        applied.StdOut.ShouldContain("Held at the barrier of Backfill: s2 (expand, paused) stopped");
        (await fleet.JournalAsync(1, FlagshipSpec.Name)).ShouldBe(("expand", MigrationStates.Paused));
        (await fleet.ScalarAsync<long>(1, "SELECT count(*) FROM transactions WHERE state_id IS NOT NULL")).ShouldBe(0);
        foreach (var shard in new[] { 0, 2 })
        {
            (await fleet.JournalAsync(shard, FlagshipSpec.Name)).ShouldBe(("backfill", MigrationStates.Waiting));
            (await fleet.ScalarAsync<long>(shard, "SELECT count(*) FROM switchyard.steps WHERE phase = 'validate' AND status <> 'pending'")).ShouldBe(0);
        }
    }

    private static async Task<Guid?[]> RunIdsAsync(FleetLedger fleet)
    {
        var ids = new Guid?[3];
        for (var shard = 0; shard < 3; shard++)
            ids[shard] = await fleet.ScalarAsync<Guid?>(shard, $"SELECT fleet_run_id FROM switchyard.migrations WHERE name = '{FlagshipSpec.Name}'");
        return ids;
    }
}
