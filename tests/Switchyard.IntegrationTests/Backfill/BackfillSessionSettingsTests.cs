using Switchyard.Core.Backfill;

namespace Switchyard.IntegrationTests.Backfill;

/// <summary>What every backfill batch's transaction runs with, seen from inside the database by a statement trigger.</summary>
public sealed class BackfillSessionSettingsTests(ExpandedLedger db) : IClassFixture<ExpandedLedger>
{
    [Fact]
    public async Task BackfillBatch_EveryBatch_RunsWithJitOffAndTheBackfillRole()
    {
        // Given the expanded ledger and a statement trigger that records the settings each UPDATE of transactions ran with
        await db.ResetAsync();
        await db.ExecuteAsync("""
            CREATE TABLE batch_settings (jit text, role text);
            CREATE FUNCTION record_batch_settings() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO batch_settings VALUES (current_setting('jit'), current_setting('switchyard.role', true));
                RETURN NULL;
            END $$;
            CREATE TRIGGER record_batch_settings AFTER UPDATE ON transactions FOR EACH STATEMENT EXECUTE FUNCTION record_batch_settings();
            """);
        var serverJit = await db.ScalarAsync<string>("SELECT current_setting('jit')");

        // When the backfill runs in small batches
        var outcome = await db.Backfill().RunAsync(new BackfillRequest("jit-off", ExpandedLedger.Target, ExpandedLedger.SmallBatches(workers: 2)), [], null, CancellationToken.None);
        var statements = await db.ScalarAsync<long>("SELECT count(*) FROM batch_settings");
        var withJit = await db.ScalarAsync<long>("SELECT count(*) FROM batch_settings WHERE jit <> 'off' OR role IS DISTINCT FROM 'backfill'");
        await db.ExecuteAsync("DROP TRIGGER record_batch_settings ON transactions; DROP FUNCTION record_batch_settings(); DROP TABLE batch_settings;");

        // Then it completed, and every statement of every batch (its early passes too) ran with JIT off (the server's
        // default is on) as the backfill role
        outcome.ShouldBeOfType<BackfillCompleted>();
        serverJit.ShouldBe("on");
        statements.ShouldBeGreaterThanOrEqualTo(await db.ScalarAsync<long>("SELECT count(*) FROM switchyard.backfill_batches WHERE migration = 'jit-off'"));
        statements.ShouldBeGreaterThan(2);
        withJit.ShouldBe(0);
    }
}
