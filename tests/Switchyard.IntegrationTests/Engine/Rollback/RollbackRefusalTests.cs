using Npgsql;
using Switchyard.Compat.Acks;
using Switchyard.Core;
using Switchyard.Core.Engine;
using Switchyard.Core.Engine.Rollback;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Engine.Rollback;

public sealed class RollbackRefusalTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    private const string FlagsNow = "SELECT read_mode || '/' || write_mode || '/' || version FROM switchyard.flags";

    [Fact]
    public async Task Rollback_WithClientsThatNeverAcknowledge_RefusesNamingThemAndDropsNothing()
    {
        // Given the flagship at reads new_only / writes new, a registered client whose listener never answers, and
        // an application session that LISTENs without acknowledging at all
        await FlagshipSpec.CutOverNewOnlyAsync(db);
        var moneyBefore = await db.InvariantsAsync();
        await using var silentPool = db.NewDataSource("silent-app-v2");
        await using var silent = await silentPool.OpenConnectionAsync();
        var silentId = Guid.NewGuid();
        await using (var register = new NpgsqlCommand(FlagAcksTable.CreateClientsSql + ";" + FlagAcksTable.CreateAcksSql, silent))
            await register.ExecuteNonQueryAsync();
        await using (var register = new NpgsqlCommand(FlagAcksTable.RegisterListenerSql, silent) { Parameters = { new() { Value = silentId }, new() { Value = "host-a" }, new() { Value = 4242 } } })
            await register.ExecuteNonQueryAsync();
        await using (var listen = new NpgsqlCommand("LISTEN switchyard_flags", silent))
            await listen.ExecuteNonQueryAsync();
        await using var legacyListenerPool = db.NewDataSource("old-listener");
        await using var legacyListener = await legacyListenerPool.OpenConnectionAsync();
        await using (var listen = new NpgsqlCommand("LISTEN switchyard_flags", legacyListener))
            await listen.ExecuteNonQueryAsync();

        // When rollback is confirmed with a short acknowledgement timeout
        var refused = await Should.ThrowAsync<SwitchyardException>(() => new MigrationRollback(db.Runner()).RollbackAsync(FlagshipSpec.Load(), null,
            new RollbackOptions { Confirm = FlagshipSpec.Name, AckTimeout = TimeSpan.FromSeconds(1) }, CancellationToken.None));

        // Then it refuses naming both, the flags stay at legacy, and state_id, the trigger and the lookup table remain
        refused.Message.ShouldContain(silentId.ToString());
        refused.Message.ShouldContain($"pid {legacyListener.ProcessID}");
        refused.Message.ShouldContain("old-listener");
        (await db.ScalarAsync<string>(FlagsNow))!.ShouldStartWith("legacy/legacy/");
        (await db.ScalarAsync<long>("SELECT count(*) FROM pg_attribute WHERE attrelid = 'transactions'::regclass AND attname = 'state_id' AND NOT attisdropped")).ShouldBe(1);
        (await db.ScalarAsync<long>("SELECT count(*) FROM pg_trigger WHERE tgname = 'switchyard_sync_status_state_id'")).ShouldBe(1);
        (await db.ScalarAsync<bool>("SELECT to_regclass('transaction_state') IS NOT NULL")).ShouldBeTrue();
        (await db.ScalarAsync<long>("SELECT count(*) FROM switchyard.events WHERE kind = 'rollback_refused'")).ShouldBe(1);
        (await db.ScalarAsync<long>("SELECT count(*) FROM switchyard.steps WHERE status = 'rolled_back'")).ShouldBe(0);
        var after = await db.InvariantsAsync();
        after.SameMoneyAs(moneyBefore).ShouldBeTrue();
        after.StatusStateDisagreements.ShouldBe(0);
    }

    [Fact]
    public async Task Rollback_WithAWrongOrMissingConfirm_ExitsNonZeroAndChangesNothing()
    {
        // Given the flagship at reads new_only / writes new
        await FlagshipSpec.CutOverNewOnlyAsync(db);
        var catalog = await FlagshipSpec.SnapshotAsync(db);
        var flags = await db.ScalarAsync<string>(FlagsNow);
        var events = await db.ScalarAsync<long>("SELECT count(*) FROM switchyard.events");
        var moneyBefore = await db.InvariantsAsync();

        // When rollback runs with a wrong --confirm, without one, and apply runs with a wrong --confirm
        var wrong = await CliRunner.RunAsync(["rollback", "--confirm", "001-something-else", .. FlagshipSpec.Connect(db)]);
        var missing = await CliRunner.RunAsync(["rollback", .. FlagshipSpec.Connect(db)]);
        var apply = await CliRunner.RunAsync(["apply", FlagshipSpec.Path, "--confirm", "001-something-else", .. FlagshipSpec.Connect(db)]);

        // Then each exits non-zero saying why, and the catalog, flags, journal and money are unchanged
        wrong.ExitCode.ShouldNotBe(0);
        wrong.StdErr.ShouldContain("--confirm '001-something-else' does not match");
        missing.ExitCode.ShouldNotBe(0);
        missing.StdErr.ShouldContain($"--confirm {FlagshipSpec.Name}");
        apply.ExitCode.ShouldNotBe(0);
        apply.StdErr.ShouldContain("does not match");
        (await FlagshipSpec.SnapshotAsync(db)).Diff(catalog).ShouldBeEmpty();
        (await db.ScalarAsync<string>(FlagsNow)).ShouldBe(flags);
        (await db.ScalarAsync<long>("SELECT count(*) FROM switchyard.events")).ShouldBe(events);
        (await db.InvariantsAsync()).ShouldBe(moneyBefore);
    }
}
