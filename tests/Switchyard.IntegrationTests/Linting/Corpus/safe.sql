-- The same kinds of change written the safe way (expand / validate / contract patterns). No rule may fire.
-- Annotations as in dangerous.sql.

-- expect: none
SET lock_timeout = '200ms';

-- expect: none
SET statement_timeout = '60s';

-- A new table is empty and unused: indexes and constraints on it need no ceremony.
-- expect: none
CREATE TABLE transaction_state (
    id   smallint PRIMARY KEY,
    code text NOT NULL UNIQUE
);

-- expect: none
CREATE INDEX transaction_state_code_idx ON transaction_state (lower(code));

-- expect: none
ALTER TABLE transaction_state ADD CONSTRAINT transaction_state_code_check CHECK (code <> '');

-- expect: none
INSERT INTO transaction_state (id, code) VALUES (1, 'authorized'), (2, 'captured'), (3, 'settled');

-- expect: none
-- lock: public.transactions=AccessExclusive
-- rewrite: none
ALTER TABLE transactions ADD COLUMN state_id smallint;

-- expect: none
-- lock: public.transactions=ShareRowExclusive public.transaction_state=ShareRowExclusive
-- rewrite: none
ALTER TABLE transactions ADD CONSTRAINT transactions_state_id_fkey FOREIGN KEY (state_id) REFERENCES transaction_state (id) NOT VALID;

-- expect: none
-- lock: public.transactions=ShareUpdateExclusive public.transaction_state=RowShare
-- rewrite: none
ALTER TABLE transactions VALIDATE CONSTRAINT transactions_state_id_fkey;

-- expect: none
-- lock: public.transactions=AccessExclusive
ALTER TABLE transactions ADD CONSTRAINT transactions_state_id_not_null CHECK (state_id IS NOT NULL) NOT VALID;

-- expect: none
-- lock: public.transactions=ShareUpdateExclusive
ALTER TABLE transactions VALIDATE CONSTRAINT transactions_state_id_not_null;

-- expect: none
-- lock: public.transactions=AccessExclusive
-- rewrite: none
ALTER TABLE transactions ALTER COLUMN state_id SET NOT NULL;

-- expect: none
-- lock: public.transactions=AccessExclusive
ALTER TABLE transactions DROP CONSTRAINT transactions_state_id_not_null;

-- expect: none
-- documented: ShareUpdateExclusive
CREATE INDEX CONCURRENTLY transactions_state_idx ON transactions (state_id);

-- expect: none
-- documented: ShareUpdateExclusive
CREATE UNIQUE INDEX CONCURRENTLY transactions_auth_code_uidx ON transactions (auth_code);

-- expect: none
-- lock: public.transactions=AccessExclusive
ALTER TABLE transactions ADD CONSTRAINT transactions_auth_code_key UNIQUE USING INDEX transactions_auth_code_uidx;

-- A PL/pgSQL body full of semicolons, BEGIN/END and a quoted ';' must stay one statement.
-- expect: none
CREATE FUNCTION transactions_sync_state() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    IF NEW.state_id IS NULL THEN
        NEW.state_id := (SELECT id FROM transaction_state WHERE code = lower(trim(NEW.status)));
    END IF;
    RAISE DEBUG 'synced; id=%', NEW.id; -- not a statement end
    RETURN NEW;
END
$body$;

-- expect: none
-- lock: public.transactions=ShareRowExclusive
-- rewrite: none
CREATE TRIGGER transactions_sync_state BEFORE INSERT OR UPDATE ON transactions
    FOR EACH ROW EXECUTE FUNCTION transactions_sync_state();

-- expect: none
-- lock: public.merchants=AccessExclusive
-- rewrite: none
ALTER TABLE merchants ADD COLUMN country text DEFAULT 'NL';

-- expect: none
-- lock: public.merchants=AccessExclusive
-- rewrite: none
ALTER TABLE merchants ADD COLUMN active boolean NOT NULL DEFAULT true;

-- expect: none
-- documented: ShareUpdateExclusive
DROP INDEX CONCURRENTLY IF EXISTS transactions_state_idx;

-- expect: none
BEGIN;

-- expect: none
SET LOCAL lock_timeout = '100ms';

-- expect: none
-- lock: public.accounts=AccessExclusive
-- rewrite: none
ALTER TABLE accounts ADD COLUMN closed_at timestamptz;

-- expect: none
COMMIT;

-- expect: none
-- documented: ShareUpdateExclusive
VACUUM (ANALYZE) transactions;

-- expect: none
COMMENT ON TABLE transactions IS 'ledger; status -- legacy /* not a comment */';

-- expect: none
-- documented: ShareUpdateExclusive
REINDEX INDEX CONCURRENTLY transactions_created_idx;
