-- A migration written the naive way against the ledger schema (samples/Ledger/Schema/LedgerSchema.cs).
-- Annotations before each statement, read by the tests:
--   expect:  rule ids the static rules must report (exactly), or none
--   lock:    relation=LockMode pairs measured on the schema clone (PostgreSQL's documented level)
--   rewrite: the tables the statement rewrites, or none
--   measured-severity: rule=severity after measurement overrides the rule's assumption

-- expect: SY011 SY012 SY001
-- lock: public.transactions=Share
-- rewrite: none
CREATE INDEX transactions_currency_idx ON transactions (currency);

-- expect: SY002
-- lock: public.transactions=AccessExclusive
DROP INDEX transactions_currency_idx;

-- expect: SY001
-- lock: public.transactions=Share
CREATE UNIQUE INDEX transactions_auth_code_uidx ON transactions (auth_code);

-- expect: SY004
-- lock: public.chargebacks=ShareRowExclusive public.transactions=ShareRowExclusive
ALTER TABLE chargebacks ADD CONSTRAINT chargebacks_transaction_fk2 FOREIGN KEY (transaction_id) REFERENCES transactions (id);

-- expect: SY005
-- lock: public.transactions=AccessExclusive
-- rewrite: none
ALTER TABLE transactions ADD CONSTRAINT transactions_amount_cap CHECK (amount_minor < 100000000000);

-- expect: SY006
-- lock: public.transactions=AccessExclusive
-- rewrite: none
ALTER TABLE transactions ALTER COLUMN auth_code SET NOT NULL;

-- expect: SY007
-- lock: public.transactions=AccessExclusive
-- rewrite: public.transactions
ALTER TABLE transactions ADD COLUMN public_id uuid DEFAULT gen_random_uuid();

-- expect: SY007
-- lock: public.transactions=AccessExclusive
-- rewrite: public.transactions
ALTER TABLE transactions ADD COLUMN fetched_at timestamptz DEFAULT clock_timestamp();

-- expect: SY007
-- lock: public.merchants=AccessExclusive
-- rewrite: public.merchants
ALTER TABLE merchants ADD COLUMN seq bigserial;

-- expect: SY007
-- lock: public.accounts=AccessExclusive
-- rewrite: public.accounts
ALTER TABLE accounts ADD COLUMN shard int DEFAULT (random() * 16)::int;

-- now() is STABLE, not volatile: PostgreSQL 11+ stores it once as a fast default; the measurement shows no rewrite.
-- expect: SY016
-- lock: public.merchants=AccessExclusive
-- rewrite: none
ALTER TABLE merchants ADD COLUMN onboarded_at timestamptz DEFAULT now();

-- expect: SY008
-- lock: public.transactions=AccessExclusive
-- rewrite: public.transactions
ALTER TABLE transactions ALTER COLUMN amount_minor TYPE numeric(20, 0);

-- expect: none
-- lock: public.accounts=AccessExclusive
-- rewrite: none
ALTER TABLE accounts ADD COLUMN nickname varchar(50);

-- Widening a varchar is binary-coercible: the rule assumes a rewrite, the measurement shows none and wins.
-- expect: SY008
-- lock: public.accounts=AccessExclusive
-- rewrite: none
-- measured-severity: SY008=warning
ALTER TABLE accounts ALTER COLUMN nickname TYPE varchar(100);

-- expect: SY009
-- lock: public.merchants=AccessExclusive
ALTER TABLE merchants RENAME COLUMN mcc TO merchant_category_code;

-- expect: SY010
-- lock: public.chargebacks=AccessExclusive
-- rewrite: none
ALTER TABLE chargebacks DROP COLUMN reason_code;

-- expect: SY013
-- lock: public.accounts=AccessExclusive
-- rewrite: public.accounts
CLUSTER accounts USING accounts_pkey;

-- expect: SY013
-- documented: AccessExclusive
VACUUM FULL merchants;

-- expect: SY014
-- lock: public.accounts=AccessExclusive
ALTER TABLE accounts ADD COLUMN risk_tier text NOT NULL;

-- expect: SY015
-- lock: public.transactions=AccessExclusive
ALTER TABLE transactions ADD CONSTRAINT transactions_auth_code_key UNIQUE (auth_code);

-- expect: SY018
-- lock: public.transactions=Share
REINDEX INDEX transactions_created_idx;

-- expect: none
BEGIN;

-- expect: SY003
-- documented: ShareUpdateExclusive
CREATE INDEX CONCURRENTLY transactions_merchant_currency_idx ON transactions (merchant_id, currency);

-- expect: none
COMMIT;

-- expect: SY009
-- lock: public.chargebacks=AccessExclusive
ALTER TABLE chargebacks RENAME TO disputes;

-- expect: SY020
-- lock: public.disputes=AccessExclusive
-- rewrite: public.disputes
ALTER TABLE disputes SET UNLOGGED;

-- expect: SY021
-- lock: public.accounts=Share
LOCK TABLE accounts IN SHARE MODE;

-- expect: SY023
-- lock: public.merchants=RowExclusive
UPDATE merchants SET merchant_category_code = lower(merchant_category_code);

-- A column constraint cannot be NOT VALID: this is a validated foreign key under ACCESS EXCLUSIVE.
-- expect: SY004
-- lock: public.transactions=AccessExclusive public.merchants=ShareRowExclusive
ALTER TABLE transactions ADD COLUMN merchant2_id bigint REFERENCES merchants (id);
