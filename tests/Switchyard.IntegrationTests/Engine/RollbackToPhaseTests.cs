using Switchyard.Core.Engine;
using Switchyard.Core.Planning;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Engine;

public sealed class RollbackToPhaseTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task Rollback_ToAPhase_KeepsThatPhaseAndContractRefusesRollback()
    {
        // Given a migration through Validate
        var spec = FlagshipSpec.Load();
        await FlagshipSpec.Engine(db).ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Validate }, CancellationToken.None);

        // When rolled back to Backfill
        await new MigrationRollback(db.Runner()).RollbackAsync(spec, MigrationPhase.Backfill, CancellationToken.None);

        // Then Validate's index and NOT NULL are gone, Expand's column and trigger stay
        (await db.ScalarAsync<long>("SELECT count(*) FROM pg_class WHERE relname = 'transactions_state_id_idx'")).ShouldBe(0);
        (await db.ScalarAsync<bool>("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'transactions'::regclass AND attname = 'state_id'")).ShouldBeFalse();
        (await db.ScalarAsync<long>("SELECT count(*) FROM pg_trigger WHERE tgname = 'switchyard_sync_status_state_id'")).ShouldBe(1);

        // When it runs to the end and rollback is asked after Contract
        await FlagshipSpec.Engine(db).ApplyAsync(spec, new ApplyOptions(), CancellationToken.None);
        await new MigrationControl(db.Runner()).CutoverAsync(null, "new_only", 100, "new", CancellationToken.None);
        var done = await FlagshipSpec.Engine(db).ApplyAsync(spec, new ApplyOptions { Confirm = FlagshipSpec.Name }, CancellationToken.None);
        done.State.ShouldBe("completed");
        var refused = await Should.ThrowAsync<Switchyard.Core.SwitchyardException>(() => new MigrationRollback(db.Runner()).RollbackAsync(spec, null, CancellationToken.None));

        // Then it is refused as the point of no return
        refused.Message.ShouldContain("point of no return");
        (await db.InvariantsAsync()).StateMissing.ShouldBe(0);
    }
}
