using Switchyard.Core.Journal;
using Switchyard.IntegrationTests.Infrastructure;
using Switchyard.Samples.Ledger.Schema;

namespace Switchyard.IntegrationTests.Engine;

public sealed class FlagshipMigrationTests(LedgerDatabase db) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task FlagshipSpec_ExpandToContractThroughTheCli_KeepsEveryInvariant()
    {
        // Given a seeded legacy ledger
        var before = await db.InvariantsAsync();
        var legacy = await db.ScalarAsync<string>($"SELECT md5(string_agg(id || ':' || {LedgerStatuses.CanonicalSql("status")}, ',' ORDER BY id)) FROM transactions");

        // When apply runs as far as it may without people
        var first = await CliRunner.RunAsync(["apply", FlagshipSpec.Path, .. FlagshipSpec.Connect(db)]);

        // Then it stops at the Cutover gate with state_id complete and in agreement
        first.ExitCode.ShouldBe(0, first.StdErr);
        first.StdOut.ShouldContain("deploy app v2");
        var mid = await db.InvariantsAsync();
        mid.SameMoneyAs(before).ShouldBeTrue();
        mid.StateMissing.ShouldBe(0);
        mid.StatusStateDisagreements.ShouldBe(0);
        (await db.ScalarAsync<bool>("SELECT convalidated FROM pg_constraint WHERE conname = 'transactions_state_id_fkey'")).ShouldBeTrue();
        (await db.ScalarAsync<bool>("SELECT indisvalid FROM pg_index WHERE indexrelid = 'transactions_state_id_idx'::regclass")).ShouldBeTrue();
        (await db.ScalarAsync<bool>("SELECT indisvalid FROM pg_index WHERE indexrelid = 'transactions_state_id_status_idx'::regclass")).ShouldBeTrue();
        (await db.ScalarAsync<bool>("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'transactions'::regclass AND attname = 'state_id'")).ShouldBeTrue();
        (await db.ScalarAsync<long>("SELECT count(*) FROM pg_constraint WHERE conname = 'transactions_state_id_not_null'")).ShouldBe(0);

        // And the dual-write trigger keeps both shapes consistent whichever side writes
        await db.ExecuteAsync("INSERT INTO transactions (account_id, merchant_id, amount_minor, currency, status, created_at, updated_at) SELECT account_id, merchant_id, 100, currency, ' SETLED ', now(), now() FROM transactions LIMIT 1");
        (await db.ScalarAsync<string>("SELECT s.code FROM transactions t JOIN transaction_state s ON s.id = t.state_id ORDER BY t.id DESC LIMIT 1")).ShouldBe("settled");
        await db.ExecuteAsync("UPDATE transactions SET state_id = (SELECT id FROM transaction_state WHERE code = 'refunded') WHERE id = (SELECT max(id) FROM transactions)");
        (await db.ScalarAsync<string>("SELECT status FROM transactions ORDER BY id DESC LIMIT 1")).ShouldBe("refunded");
        var disagree = await Should.ThrowAsync<Npgsql.PostgresException>(() => db.ExecuteAsync(
            "UPDATE transactions SET status = 'voided', state_id = (SELECT id FROM transaction_state WHERE code = 'settled') WHERE id = (SELECT max(id) FROM transactions)"));
        disagree.SqlState.ShouldBe("23514");
        var unmapped = await Should.ThrowAsync<Npgsql.PostgresException>(() => db.ExecuteAsync("UPDATE transactions SET status = 'pending' WHERE id = (SELECT max(id) FROM transactions)"));
        unmapped.MessageText.ShouldContain("maps to no code");
        await db.ExecuteAsync("DELETE FROM transactions WHERE id = (SELECT max(id) FROM transactions)");

        // When people flip the flags and confirm Contract
        var refused = await CliRunner.RunAsync(["apply", FlagshipSpec.Path, "--confirm", FlagshipSpec.Name, .. FlagshipSpec.Connect(db)]);
        refused.StdOut.ShouldContain("Waiting at the gate before Cutover");
        (await CliRunner.RunAsync(["cutover", "--reads", "shadow", "--writes", "both", .. FlagshipSpec.Connect(db)])).ExitCode.ShouldBe(0);
        var flip = await CliRunner.RunAsync(["cutover", "--reads", "new_only", "--percent", "100", "--writes", "new", .. FlagshipSpec.Connect(db)]);
        flip.ExitCode.ShouldBe(0, flip.StdErr);
        var unconfirmed = await CliRunner.RunAsync(["apply", FlagshipSpec.Path, .. FlagshipSpec.Connect(db)]);
        unconfirmed.StdOut.ShouldContain("point of no return");
        (await db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'transactions'::regclass AND attname = 'status' AND NOT attisdropped)")).ShouldBeTrue();
        var contract = await CliRunner.RunAsync(["apply", FlagshipSpec.Path, "--confirm", FlagshipSpec.Name, .. FlagshipSpec.Connect(db)]);

        // Then status is gone, the compat view returns the old shape, and the money did not move
        contract.ExitCode.ShouldBe(0, contract.StdErr);
        contract.StdOut.ShouldContain("Migration complete");
        // The gate before Validate's DDL read the heap; the Contract gate read the pair index built at Validate, which went with status
        var gates = (await db.ScalarAsync<string>("SELECT string_agg(detail, ' | ' ORDER BY recorded_at) FROM switchyard.validation_results WHERE check_name = 'mismatch'"))!.Split(" | ");
        gates.Length.ShouldBe(2);
        gates[0].ShouldEndWith("in 1 parallel pass");
        gates[1].ShouldEndWith("of index transactions_state_id_status_idx (skip scan)");
        (await db.ScalarAsync<long>("SELECT count(*) FROM pg_class WHERE relname = 'transactions_state_id_status_idx'")).ShouldBe(0);
        (await db.ScalarAsync<long>("SELECT count(*) FROM pg_class WHERE relname = 'transactions_state_id_idx'")).ShouldBe(1);
        (await db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'transactions'::regclass AND attname = 'status' AND NOT attisdropped)")).ShouldBeFalse();
        var viewColumns = await db.ScalarAsync<string>("SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'transactions_with_status'::regclass AND attnum > 0");
        viewColumns.ShouldBe("id,account_id,merchant_id,amount_minor,currency,status,auth_code,created_at,updated_at");
        (await db.ScalarAsync<string>("SELECT md5(string_agg(id || ':' || status, ',' ORDER BY id)) FROM transactions_with_status")).ShouldBe(legacy);
        var after = await db.InvariantsAsync();
        after.SameMoneyAs(before).ShouldBeTrue();
        after.StateMissing.ShouldBe(0);
        (await db.ScalarAsync<string>("SELECT state FROM switchyard.migrations WHERE name = '" + FlagshipSpec.Name + "'")).ShouldBe(MigrationStates.Completed);
        (await db.ScalarAsync<long>("SELECT count(*) FROM switchyard.events WHERE kind = 'flags_flipped'")).ShouldBe(2);
        (await db.ScalarAsync<long>("SELECT count(*) FROM switchyard.steps WHERE status <> 'done'")).ShouldBe(0);
        var status = await CliRunner.RunAsync(["status", "--json", .. FlagshipSpec.Connect(db)]);
        status.StdOut.ShouldContain("\"point_of_no_return_passed\": true");
    }
}
