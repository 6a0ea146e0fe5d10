using Npgsql;
using Switchyard.Core.Operations;

namespace Switchyard.IntegrationTests.Compat;

/// <summary>
/// TEST-ONLY stand-in for the engine's Expand (issue #3) until it is on main: transaction_state + seeded codes,
/// transactions.state_id (backfilled), the foreign key, and the dual-write trigger exactly as docs/contracts.md
/// describes it (status written → state_id derived; state_id written → status derived; both written and disagreeing
/// → SQLSTATE 23514; unmapped → fail; switchyard.role = 'backfill' → untouched). Uses the one mapping definition,
/// <see cref="NormalizationTarget.CodeSql"/>.
/// </summary>
internal static class TestOnlyDualWriteExpand
{
    public static async Task ApplyAsync(NpgsqlDataSource dataSource)
    {
        var target = NormalizationTarget.LedgerTransactionStatus();
        var codes = string.Join(", ", target.Codes.Select((c, i) => $"({i + 1}, '{c}')"));
        string[] statements =
        [
            "CREATE TABLE transaction_state (id int PRIMARY KEY, code text NOT NULL UNIQUE)",
            $"INSERT INTO transaction_state (id, code) VALUES {codes}",
            "ALTER TABLE transactions ADD COLUMN state_id int",
            $"""
            CREATE FUNCTION test_only_transactions_dual_write() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                status_written boolean;
                state_written  boolean;
                mapped         int;
            BEGIN
                IF current_setting('switchyard.role', true) = 'backfill' THEN
                    RETURN NEW;
                END IF;
                IF TG_OP = 'INSERT' THEN
                    status_written := NEW.status IS NOT NULL;
                    state_written  := NEW.state_id IS NOT NULL;
                ELSE
                    status_written := NEW.status IS DISTINCT FROM OLD.status;
                    state_written  := NEW.state_id IS DISTINCT FROM OLD.state_id;
                END IF;
                IF status_written THEN
                    SELECT s.id INTO mapped FROM transaction_state s WHERE s.code = {target.CodeSql("NEW.status")};
                    IF mapped IS NULL THEN
                        RAISE EXCEPTION 'transactions id % : status % maps to no transaction_state code', NEW.id, NEW.status
                            USING ERRCODE = '23514';
                    END IF;
                    IF state_written AND NEW.state_id IS DISTINCT FROM mapped THEN
                        RAISE EXCEPTION 'transactions id % : status % and state_id % disagree', NEW.id, NEW.status, NEW.state_id
                            USING ERRCODE = '23514';
                    END IF;
                    NEW.state_id := mapped;
                ELSIF state_written THEN
                    SELECT s.code INTO NEW.status FROM transaction_state s WHERE s.id = NEW.state_id;
                END IF;
                RETURN NEW;
            END $$
            """,
            """
            CREATE TRIGGER test_only_transactions_dual_write BEFORE INSERT OR UPDATE ON transactions
                FOR EACH ROW EXECUTE FUNCTION test_only_transactions_dual_write()
            """,
            // The backfill's job, done in one statement here: the test ledger is small.
            $"""
            UPDATE transactions t SET state_id = s.id
            FROM transaction_state s WHERE s.code = {target.CodeSql("t.status")} AND t.state_id IS NULL
            """,
            "ALTER TABLE transactions ADD CONSTRAINT transactions_state_id_fkey FOREIGN KEY (state_id) REFERENCES transaction_state(id)",
        ];
        await using var connection = await dataSource.OpenConnectionAsync();
        foreach (var sql in statements)
        {
            await using var cmd = new NpgsqlCommand(sql, connection);
            await cmd.ExecuteNonQueryAsync();
        }
    }
}
