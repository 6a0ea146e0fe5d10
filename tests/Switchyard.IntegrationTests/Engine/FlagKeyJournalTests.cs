using Switchyard.Core;
using Switchyard.Core.Engine;
using Switchyard.Core.Planning;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Engine;

/// <summary>
/// The flag a migration registered is journaled as data, never recovered from a step's wording; a journal row without
/// it is answered by the unchanged spec, or the flag is unknown and nothing is flipped.
/// </summary>
public sealed class FlagKeyJournalTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    private const string FlagKey = "public.transactions.status";

    /// <summary>The flagship through Validate (a re-run journals the plan's flag_key and spec path again), its flags step reworded.</summary>
    private async Task ValidatedWithRewordedFlagsStepAsync()
    {
        await FlagshipSpec.Engine(db).ApplyAsync(FlagshipSpec.Load(), new ApplyOptions { To = MigrationPhase.Validate }, CancellationToken.None);
        await db.ExecuteAsync("UPDATE switchyard.steps SET description = 'Register the feature flag' WHERE step_key LIKE 'expand.%.flags'");
    }

    private Task<long> FlagVersionAsync() => db.ScalarAsync<long>($"SELECT coalesce(max(version), 0) FROM switchyard.flags WHERE flag_key = '{FlagKey}'");

    [Fact]
    public async Task Cutover_FlagsStepReworded_StillFlipsTheJournaledFlag()
    {
        // Given the flagship through Validate, and the flags step's description reworded (a later version's wording)
        await ValidatedWithRewordedFlagsStepAsync();

        // When
        var flag = await new MigrationControl(db.Runner()).CutoverAsync(FlagshipSpec.Name, "shadow", 0, "both", CancellationToken.None);
        var status = (await new MigrationControl(db.Runner()).StatusAsync(FlagshipSpec.Name, null, CancellationToken.None)).Single();

        // Then the journal's flag_key named the flag, and status shows it
        (await db.ScalarAsync<string>("SELECT flag_key FROM switchyard.migrations")).ShouldBe(FlagKey);
        flag.FlagKey.ShouldBe(FlagKey);
        flag.ReadMode.ShouldBe("shadow");
        status.Flag!.WriteMode.ShouldBe("both");
        status.FlagUnknown.ShouldBeNull();
    }

    [Fact]
    public async Task Cutover_JournalWithoutFlagKey_RecomputesTheFlagFromTheUnchangedSpec()
    {
        // Given the flagship through Validate, its journal row without flag_key (as before the column) and no flag wording to read
        await ValidatedWithRewordedFlagsStepAsync();
        await db.ExecuteAsync("UPDATE switchyard.migrations SET flag_key = NULL");

        // When
        var flag = await new MigrationControl(db.Runner()).CutoverAsync(FlagshipSpec.Name, "new", 10, "both", CancellationToken.None);
        var status = (await new MigrationControl(db.Runner()).StatusAsync(FlagshipSpec.Name, null, CancellationToken.None)).Single();

        // Then the spec the journal names, with the journaled checksum, gave the flag
        flag.FlagKey.ShouldBe(FlagKey);
        flag.ReadMode.ShouldBe("new");
        status.Flag!.ReadPercent.ShouldBe(10);
        status.FlagUnknown.ShouldBeNull();
    }

    [Fact]
    public async Task Cutover_JournalWithoutFlagKeyAndSpecGone_FlagIsUnknownAndNothingFlipped()
    {
        // Given the flagship through Validate, its journal row without flag_key, and its spec no longer where the journal says
        await ValidatedWithRewordedFlagsStepAsync();
        await db.ExecuteAsync("UPDATE switchyard.migrations SET flag_key = NULL, spec_path = '/nonexistent/001-normalize-transaction-status.yaml'");
        var versionBefore = await FlagVersionAsync();

        // When status is read and a cutover is asked for
        var status = (await new MigrationControl(db.Runner()).StatusAsync(FlagshipSpec.Name, null, CancellationToken.None)).Single();
        var refused = await Should.ThrowAsync<SwitchyardException>(() =>
            new MigrationControl(db.Runner()).CutoverAsync(FlagshipSpec.Name, "new_only", 100, "new", CancellationToken.None));

        // Then status says the flag is unknown and why, the cutover is refused, and the flag row did not move
        status.Flag.ShouldBeNull();
        status.FlagUnknown.ShouldNotBeNull().ShouldContain("/nonexistent/001-normalize-transaction-status.yaml is not here");
        refused.Message.ShouldContain("is unknown");
        refused.Message.ShouldContain("Nothing was flipped");
        (await FlagVersionAsync()).ShouldBe(versionBefore);
    }
}
