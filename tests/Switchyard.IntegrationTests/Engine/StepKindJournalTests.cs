using Switchyard.Core.Engine;
using Switchyard.Core.Planning;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Engine;

/// <summary>The point of no return is told from each journaled step's kind (typed from the plan), never from its key.</summary>
public sealed class StepKindJournalTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task Status_FailedContractGate_ByKindNotKeyAndARowWithoutKindCountsAsPassedUntilTheNextApply()
    {
        // Given the flagship through Validate: its journal records each step's kind
        var spec = FlagshipSpec.Load();
        await FlagshipSpec.Engine(db).ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Validate }, CancellationToken.None);
        (await db.ScalarAsync<long>("SELECT count(*) FROM switchyard.steps WHERE kind IS NULL")).ShouldBe(0);
        var gate = (await db.ScalarAsync<string>("SELECT step_key FROM switchyard.steps WHERE phase = 'contract' AND kind = 'gate'")).ShouldNotBeNull();

        // When the Contract gate failed, under a key that no longer says it is a gate
        await db.ExecuteAsync($"UPDATE switchyard.steps SET status = 'failed', step_key = 'contract.opening_check' WHERE step_key = '{gate}'");
        var failedGate = await StatusAsync();
        // and its row loses its kind, as a row journaled before the column
        await db.ExecuteAsync("UPDATE switchyard.steps SET kind = NULL WHERE step_key = 'contract.opening_check'");
        var unknownKind = await StatusAsync();

        // Then a failed gate is not the point of no return; a Contract row of unknown kind counts as passed (the safe side)
        failedGate.PointOfNoReturnPassed.ShouldBeFalse();
        unknownKind.PointOfNoReturnPassed.ShouldBeTrue();

        // When the next apply journals the plan again, the kind is back and the gate no longer counts
        await db.ExecuteAsync($"UPDATE switchyard.steps SET step_key = '{gate}' WHERE step_key = 'contract.opening_check'");
        await FlagshipSpec.Engine(db).ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Validate }, CancellationToken.None);
        (await db.ScalarAsync<string>($"SELECT kind FROM switchyard.steps WHERE step_key = '{gate}'")).ShouldBe("gate");
        (await StatusAsync()).PointOfNoReturnPassed.ShouldBeFalse();
    }

    private async Task<MigrationStatus> StatusAsync() =>
        (await new MigrationControl(db.Runner()).StatusAsync(FlagshipSpec.Name, null, CancellationToken.None)).Single();
}
