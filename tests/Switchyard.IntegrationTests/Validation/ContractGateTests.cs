using Switchyard.Core;
using Switchyard.Core.Engine;
using Switchyard.Core.Planning;
using Switchyard.Core.Spec;
using Switchyard.Core.Validation;
using Switchyard.IntegrationTests.Engine;
using Switchyard.IntegrationTests.Infrastructure;
using Switchyard.Samples.Ledger.Schema;

namespace Switchyard.IntegrationTests.Validation;

/// <summary>The validation suite gates Contract too: a table that drifted after cutover is never contracted.</summary>
public sealed class ContractGateTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    private MigrationEngine Engine() => new(db.Runner(), gate: new ValidationSuiteGate(LedgerFlagship.Reconciliation(), new ValidationOptions { ChunkKeys = 3_000 }));

    [Fact]
    public async Task Contract_MismatchPlantedAfterCutover_IsBlockedNamingTheFailingCheckAndNothingIsDropped()
    {
        // Given the flagship migration validated and cut over by the engine with the suite as its gate
        var spec = FlagshipSpec.Load();
        var start = await db.InvariantsAsync();
        await Engine().ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Validate }, CancellationToken.None);
        await new MigrationControl(db.Runner()).CutoverAsync(null, "new_only", 100, "new", CancellationToken.None);
        (await Engine().ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Cutover }, CancellationToken.None)).Phase.ShouldBe("cutover");
        // and one row's state_id changed behind the trigger's back after cutover
        var id = await db.ScalarAsync<long>("SELECT id FROM transactions WHERE status = 'settled' ORDER BY id LIMIT 1 OFFSET 123");
        await db.ExecuteAsync($"SET switchyard.role = 'backfill'; UPDATE transactions SET state_id = (SELECT id FROM transaction_state WHERE code = 'refunded') WHERE id = {id}; RESET switchyard.role");
        var catalog = await FlagshipSpec.SnapshotAsync(db);
        var planted = await db.InvariantsAsync();

        // When Contract is confirmed
        var blocked = await Should.ThrowAsync<SwitchyardException>(() =>
            Engine().ApplyAsync(spec, new ApplyOptions { Confirm = FlagshipSpec.Name }, CancellationToken.None));

        // Then the gate opening Contract blocks it, naming the failing check and the row
        blocked.Message.ShouldContain("contract.transactions.state_id.gate");
        blocked.Message.ShouldContain("mismatch");
        blocked.Message.ShouldContain($"id={id}");
        blocked.Hint!.ShouldContain("nothing was dropped");
        // and nothing was dropped: same catalog, same invariants, no other Contract step started, rollback still allowed
        var diff = (await FlagshipSpec.SnapshotAsync(db)).Diff(catalog);
        diff.ShouldBeEmpty(string.Join("\n", diff));
        (await db.InvariantsAsync()).ShouldBe(planted);
        planted.SameMoneyAs(start).ShouldBeTrue();
        (await db.ScalarAsync<long>("SELECT count(*) FROM switchyard.steps WHERE phase = 'contract' AND step_key <> 'contract.transactions.state_id.gate' AND status <> 'pending'")).ShouldBe(0);
        (await db.ScalarAsync<string>("SELECT status FROM switchyard.steps WHERE step_key = 'contract.transactions.state_id.gate'")).ShouldBe("failed");
        (await db.ScalarAsync<long>("SELECT count(*) FROM switchyard.validation_results WHERE check_name = 'mismatch' AND outcome = 'failed' AND shape = 'cutover' AND migration_id IS NOT NULL")).ShouldBe(1);
        (await new MigrationControl(db.Runner()).StatusAsync(null, null, CancellationToken.None)).Single().PointOfNoReturnPassed.ShouldBeFalse();

        // When the row is repaired and Contract confirmed again
        await db.ExecuteAsync($"SET switchyard.role = 'backfill'; UPDATE transactions SET state_id = (SELECT id FROM transaction_state WHERE code = 'settled') WHERE id = {id}; RESET switchyard.role");
        await db.ExecuteAsync("UPDATE switchyard.migrations SET state = 'active'");
        var done = await Engine().ApplyAsync(spec, new ApplyOptions { Confirm = FlagshipSpec.Name }, CancellationToken.None);

        // Then the gate passes on the cut-over shape and Contract completes with the money unchanged
        done.State.ShouldBe("completed");
        (await db.ScalarAsync<string>("SELECT status FROM switchyard.steps WHERE step_key = 'contract.transactions.state_id.gate'")).ShouldBe("done");
        (await db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'transactions' AND column_name = 'status')")).ShouldBeFalse();
        (await db.InvariantsAsync()).SameMoneyAs(start).ShouldBeTrue();
    }
}
