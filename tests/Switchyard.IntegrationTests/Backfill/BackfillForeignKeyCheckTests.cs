using Switchyard.Core.Backfill;

namespace Switchyard.IntegrationTests.Backfill;

/// <summary>
/// A NOT VALID foreign key's per-row check locks the lookup row (FOR KEY SHARE), which leaves its xmax set: lookup rows
/// with xmax 0 after a backfill prove no batch checked them.
/// </summary>
internal static class LookupLocks
{
    public static Task<long> LockedLookupRowsAsync(this ExpandedLedger db) => db.ScalarAsync<long>("SELECT count(*) FROM transaction_state WHERE xmax <> '0'::xid");

    /// <summary>The newest foreign-key-check decision journaled (each test class has a database of its own).</summary>
    public static Task<string?> FkEventAsync(this ExpandedLedger db) =>
        db.ScalarAsync<string>("SELECT kind || ': ' || message FROM switchyard.events WHERE kind LIKE 'backfill.fk_checks%' ORDER BY id DESC LIMIT 1");
}

public sealed class BackfillForeignKeyCheckDeferredTests(ExpandedLedgerWithForeignKey db) : IClassFixture<ExpandedLedgerWithForeignKey>
{
    [Fact]
    public async Task Backfill_NotValidForeignKeyAndOnlyItsOwnTrigger_SkipsPerRowChecksAndValidateProvesEveryRow()
    {
        // Given the expanded ledger with the NOT VALID foreign key and no trigger but the dual-write one
        var before = await db.InvariantsAsync();

        // When the backfill runs
        var outcome = await db.Backfill().RunAsync(new BackfillRequest("fk-deferred", ExpandedLedger.Target, ExpandedLedger.SmallBatches()), [], null, CancellationToken.None);

        // Then it journaled that the checks are deferred to Validate, and no batch locked a lookup row to check it
        outcome.ShouldBeOfType<BackfillCompleted>();
        (await db.FkEventAsync()).ShouldStartWith("backfill.fk_checks_deferred: per-row foreign key checks of public.transactions.state_id deferred to Validate");
        (await db.LockedLookupRowsAsync()).ShouldBe(0);
        // And VALIDATE CONSTRAINT proves every row, every row is filled, and the money is unchanged
        await db.ExecuteAsync("ALTER TABLE transactions VALIDATE CONSTRAINT transactions_state_id_fkey");
        (await db.ScalarAsync<long>("SELECT count(*) FROM transactions WHERE state_id IS NULL")).ShouldBe(0);
        var after = await db.InvariantsAsync();
        after.SameMoneyAs(before).ShouldBeTrue($"before: {before}\nafter: {after}");
        after.StateMissing.ShouldBe(0);
        after.StatusStateDisagreements.ShouldBe(0);
    }
}

public sealed class BackfillForeignKeyCheckKeptTests(ExpandedLedgerWithForeignKey db) : IClassFixture<ExpandedLedgerWithForeignKey>
{
    [Fact]
    public async Task Backfill_AnAuditTriggerOnTheTable_KeepsPerRowChecksAndTheAuditTriggerSeesEveryRow()
    {
        // Given the same ledger with an audit trigger that records every updated row
        await db.ExecuteAsync("""
            CREATE TABLE audit_log (id bigint);
            CREATE FUNCTION audit_update() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit_log VALUES (NEW.id); RETURN NULL; END $$;
            CREATE TRIGGER audit_update AFTER UPDATE ON transactions FOR EACH ROW EXECUTE FUNCTION audit_update();
            """);

        // When the backfill runs
        var outcome = await db.Backfill().RunAsync(new BackfillRequest("fk-kept", ExpandedLedger.Target, ExpandedLedger.SmallBatches()), [], null, CancellationToken.None);

        // Then it kept the checks, naming the trigger that must still fire, and the checks locked the lookup rows they used
        outcome.ShouldBeOfType<BackfillCompleted>();
        (await db.FkEventAsync()).ShouldBe("backfill.fk_checks_kept: per-row foreign key checks kept: other triggers must still fire: audit_update on transactions");
        (await db.LockedLookupRowsAsync()).ShouldBeGreaterThan(0);
        // And the audit trigger fired for every row the backfill updated
        (await db.ScalarAsync<long>("SELECT count(DISTINCT id) FROM audit_log")).ShouldBe(outcome.Stats.RowsUpdated);
        outcome.Stats.RowsUpdated.ShouldBe(await db.ScalarAsync<long>("SELECT count(*) FROM transactions"));
    }
}
