using Switchyard.Core.Engine;
using Switchyard.Core.Planning;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Engine;

/// <summary>The flagship (transactions.status → state_id) on the range-partitioned ledger.</summary>
public sealed class PartitionedFlagshipTests(PartitionedLedgerDatabase db) : IClassFixture<PartitionedLedgerDatabase>
{
    [Fact]
    public async Task Flagship_OnPartitionedLedger_BackfillsAndValidatesThroughValidateWithMoneyUnchanged()
    {
        // Given the partitioned ledger and its invariants
        var before = await db.InvariantsAsync();

        // When the flagship runs to Backfill and validate checks the backfilled shape
        var backfilled = await FlagshipSpec.Engine(db).ApplyAsync(FlagshipSpec.Load(), new ApplyOptions { To = MigrationPhase.Backfill }, CancellationToken.None);
        var validateBackfilled = await CliRunner.RunAsync(["validate", "--phase", "backfilled", .. FlagshipSpec.Connect(db)]);

        // Then every check passes, the catalog check counting the foreign key that so far exists only per partition
        backfilled.State.ShouldNotBe("failed", backfilled.Message);
        validateBackfilled.ExitCode.ShouldBe(0, validateBackfilled.StdOut + validateBackfilled.StdErr);
        (await db.ScalarAsync<long>("SELECT count(*) FROM pg_constraint WHERE conrelid = 'transactions'::regclass AND contype = 'f' AND confrelid = 'transaction_state'::regclass")).ShouldBe(0);
        (await db.ScalarAsync<long>("SELECT count(DISTINCT conrelid) FROM pg_constraint WHERE contype = 'f' AND confrelid = 'transaction_state'::regclass AND conrelid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'transactions'::regclass)"))
            .ShouldBe(await db.ScalarAsync<long>("SELECT count(*) FROM pg_inherits WHERE inhparent = 'transactions'::regclass"));

        // When it continues through Validate (per-partition FK validation, index builds, NOT NULL) and validate runs again
        var validated = await FlagshipSpec.Engine(db).ApplyAsync(FlagshipSpec.Load(), new ApplyOptions { To = MigrationPhase.Validate }, CancellationToken.None);
        var validateValidated = await CliRunner.RunAsync(["validate", "--phase", "validated", .. FlagshipSpec.Connect(db)]);

        // Then that passes too, and no row or cent moved while status and state agree everywhere
        validated.State.ShouldNotBe("failed", validated.Message);
        validateValidated.ExitCode.ShouldBe(0, validateValidated.StdOut + validateValidated.StdErr);
        var after = await db.InvariantsAsync();
        after.SameMoneyAs(before).ShouldBeTrue();
        after.StateMissing.ShouldBe(0);
        after.StatusStateDisagreements.ShouldBe(0);
    }
}
