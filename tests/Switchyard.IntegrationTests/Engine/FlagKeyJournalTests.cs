using Switchyard.Core.Engine;
using Switchyard.Core.Planning;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Engine;

/// <summary>The flag a migration registered is journaled as data, never recovered from a step's wording.</summary>
public sealed class FlagKeyJournalTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task Cutover_FlagsStepReworded_StillFlipsTheJournaledFlag()
    {
        // Given the flagship through Validate, and the flags step's description reworded (a later version's wording)
        var spec = FlagshipSpec.Load();
        await FlagshipSpec.Engine(db).ApplyAsync(spec, new ApplyOptions { To = MigrationPhase.Validate }, CancellationToken.None);
        await db.ExecuteAsync("UPDATE switchyard.steps SET description = 'Register the feature flag' WHERE step_key LIKE 'expand.%.flags'");

        // When
        var flag = await new MigrationControl(db.Runner()).CutoverAsync(FlagshipSpec.Name, "shadow", 0, "both", CancellationToken.None);
        var status = (await new MigrationControl(db.Runner()).StatusAsync(FlagshipSpec.Name, null, CancellationToken.None)).Single();

        // Then the journal's flag_key named the flag, and status shows it
        (await db.ScalarAsync<string>("SELECT flag_key FROM switchyard.migrations")).ShouldBe("public.transactions.status");
        flag.FlagKey.ShouldBe("public.transactions.status");
        flag.ReadMode.ShouldBe("shadow");
        status.Flag!.WriteMode.ShouldBe("both");
    }
}
