namespace Switchyard.Core.Journal.Chain;

/// <summary>
/// The hash chain over <c>switchyard.events</c>: each event carries its position in its migration's chain
/// (<c>chain_seq</c>), the hash of the event before it (<c>prev_hash</c>) and its own <c>hash</c> =
/// sha256(prev_hash || content). A BEFORE INSERT trigger computes them for every writer, whatever it sent, under a
/// row lock on the chain's head, so concurrent writers cannot fork the chain. Journals made by older versions are
/// upgraded in place: their earlier events stay unhashed and the chain starts at the first event written after.
/// </summary>
public static class EventChainSchema
{
    /// <summary>The <c>chain_key</c> of events that belong to no migration.</summary>
    public const long NoMigrationChain = 0;

    public static readonly string[] Statements =
    [
        // Checked first so an up-to-date journal never takes the ALTER's ACCESS EXCLUSIVE lock again.
        """
        DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'switchyard.events'::regclass AND attname = 'hash' AND NOT attisdropped) THEN
                ALTER TABLE switchyard.events
                    ADD COLUMN IF NOT EXISTS chain_seq bigint,
                    ADD COLUMN IF NOT EXISTS prev_hash text,
                    ADD COLUMN IF NOT EXISTS hash      text;
            END IF;
        END $$
        """,
        """
        CREATE TABLE IF NOT EXISTS switchyard.event_chain_heads (
            chain_key  bigint PRIMARY KEY,
            seq        bigint NOT NULL DEFAULT 0,
            hash       text,
            event_id   bigint,
            updated_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        // The one definition of an event's hash in the database; EventContentHash computes the same from an export.
        // The time is hashed as microseconds since the epoch so the session's TimeZone cannot change it.
        """
        CREATE OR REPLACE FUNCTION switchyard.event_hash(prev_hash text, e switchyard.events) RETURNS text LANGUAGE sql STABLE AS $$
            SELECT encode(sha256(convert_to(coalesce(prev_hash, '') || jsonb_build_array(
                e.id, e.migration_id, (extract(epoch FROM e.at) * 1000000)::bigint, e.os_user, e.db_user,
                e.application_name, e.kind, e.message, e.data)::text, 'UTF8')), 'hex')
        $$
        """,
        """
        CREATE OR REPLACE FUNCTION switchyard.events_chain() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            chain bigint := coalesce(NEW.migration_id, 0);
            head  record;
        BEGIN
            INSERT INTO switchyard.event_chain_heads (chain_key) VALUES (chain) ON CONFLICT (chain_key) DO NOTHING;
            -- Held until commit: the next writer of this chain waits here and then reads this event as the head.
            SELECT seq, hash INTO head FROM switchyard.event_chain_heads WHERE chain_key = chain FOR UPDATE;
            NEW.chain_seq := head.seq + 1;
            NEW.prev_hash := head.hash;
            NEW.hash := switchyard.event_hash(NEW.prev_hash, NEW);
            UPDATE switchyard.event_chain_heads SET seq = NEW.chain_seq, hash = NEW.hash, event_id = NEW.id, updated_at = clock_timestamp()
            WHERE chain_key = chain;
            RETURN NEW;
        END $$
        """,
        """
        DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'events_chain' AND tgrelid = 'switchyard.events'::regclass) THEN
                CREATE TRIGGER events_chain BEFORE INSERT ON switchyard.events
                    FOR EACH ROW EXECUTE FUNCTION switchyard.events_chain();
            END IF;
        END $$
        """,
    ];
}
