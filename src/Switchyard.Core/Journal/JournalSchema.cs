using Switchyard.Core.Execution;
using Switchyard.Core.Journal.Chain;

namespace Switchyard.Core.Journal;

/// <summary>
/// The <c>switchyard</c> schema in the target database: migrations, steps, the append-only event log, the flag store
/// the application library reads, and operator control (pause / resume / abort). Idempotent: safe to run every time.
/// </summary>
public static class JournalSchema
{
    public const string Schema = "switchyard";

    /// <summary>The NOTIFY channel a flag change is announced on.</summary>
    public const string FlagsChannel = "switchyard_flags";

    private static readonly string[] Statements =
    [
        "CREATE SCHEMA IF NOT EXISTS switchyard",
        """
        CREATE TABLE IF NOT EXISTS switchyard.migrations (
            id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            name          text NOT NULL UNIQUE,
            target_table  text NOT NULL,
            spec_checksum text NOT NULL,
            spec_path     text,
            phase         text NOT NULL DEFAULT 'planned',
            state         text NOT NULL DEFAULT 'active',
            created_at    timestamptz NOT NULL DEFAULT now(),
            updated_at    timestamptz NOT NULL DEFAULT now()
        )
        """,
        // The flag Expand registers, as data: cutover, status and rollback read it here (for journals made before this
        // column, JournaledFlag recomputes it from the unchanged spec, or says it is unknown).
        "ALTER TABLE switchyard.migrations ADD COLUMN IF NOT EXISTS flag_key text",
        // The fleet run (apply --fleet) this shard's migration belongs to; journals made before fleets get the column empty.
        "ALTER TABLE switchyard.migrations ADD COLUMN IF NOT EXISTS fleet_run_id uuid",
        """
        CREATE TABLE IF NOT EXISTS switchyard.steps (
            id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            migration_id bigint NOT NULL REFERENCES switchyard.migrations(id),
            phase        text NOT NULL,
            step_key     text NOT NULL,
            description  text NOT NULL,
            sql          text NOT NULL,
            status       text NOT NULL DEFAULT 'pending',
            attempts     int NOT NULL DEFAULT 0,
            started_at   timestamptz,
            finished_at  timestamptz,
            error        text,
            UNIQUE (migration_id, step_key)
        )
        """,
        // The step's kind (ddl, backfill, gate, cutover) from the typed plan: status and cutover tell the gate that opens
        // Contract from the steps that pass the point of no return by it. Older rows get it at their next apply.
        "ALTER TABLE switchyard.steps ADD COLUMN IF NOT EXISTS kind text",
        """
        CREATE TABLE IF NOT EXISTS switchyard.events (
            id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            migration_id     bigint REFERENCES switchyard.migrations(id),
            at               timestamptz NOT NULL DEFAULT clock_timestamp(),
            os_user          text NOT NULL,
            db_user          text NOT NULL DEFAULT current_user,
            application_name text NOT NULL DEFAULT current_setting('application_name'),
            kind             text NOT NULL,
            message          text NOT NULL,
            data             jsonb
        )
        """,
        """
        CREATE OR REPLACE FUNCTION switchyard.events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'switchyard.events is append-only';
        END $$
        """,
        """
        DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'events_append_only' AND tgrelid = 'switchyard.events'::regclass) THEN
                CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON switchyard.events
                    FOR EACH ROW EXECUTE FUNCTION switchyard.events_append_only();
            END IF;
        END $$
        """,
        """
        CREATE TABLE IF NOT EXISTS switchyard.flags (
            flag_key     text PRIMARY KEY,
            read_mode    text NOT NULL DEFAULT 'legacy' CHECK (read_mode IN ('legacy', 'shadow', 'new', 'new_only')),
            read_percent int  NOT NULL DEFAULT 0 CHECK (read_percent BETWEEN 0 AND 100),
            write_mode   text NOT NULL DEFAULT 'legacy' CHECK (write_mode IN ('legacy', 'both', 'new')),
            version      bigint NOT NULL DEFAULT 1,
            updated_at   timestamptz NOT NULL DEFAULT now(),
            updated_by   text NOT NULL DEFAULT current_user
        )
        """,
        """
        CREATE OR REPLACE FUNCTION switchyard.flags_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('switchyard_flags', NEW.flag_key);
            RETURN NEW;
        END $$
        """,
        """
        DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'flags_notify' AND tgrelid = 'switchyard.flags'::regclass) THEN
                CREATE TRIGGER flags_notify AFTER INSERT OR UPDATE ON switchyard.flags
                    FOR EACH ROW EXECUTE FUNCTION switchyard.flags_notify();
            END IF;
        END $$
        """,
        """
        CREATE TABLE IF NOT EXISTS switchyard.control (
            migration_id    bigint PRIMARY KEY REFERENCES switchyard.migrations(id),
            paused          boolean NOT NULL DEFAULT false,
            abort_requested boolean NOT NULL DEFAULT false,
            reason          text,
            updated_at      timestamptz NOT NULL DEFAULT now(),
            updated_by      text NOT NULL DEFAULT current_user
        )
        """,
        // Partitioned tables under migration: the event trigger that PartitionGuardSteps installs refuses any DDL that
        // detaches, attaches or drops one of their partitions; CREATE TABLE … PARTITION OF only widens the snapshot.
        """
        CREATE TABLE IF NOT EXISTS switchyard.partition_guards (
            parent     oid PRIMARY KEY,
            migration  text NOT NULL,
            partitions oid[] NOT NULL,
            guarded_at timestamptz NOT NULL DEFAULT now()
        )
        """,
        """
        CREATE OR REPLACE FUNCTION switchyard.refuse_partition_changes() RETURNS event_trigger LANGUAGE plpgsql AS $$
        DECLARE
            g record;
            current_partitions oid[];
        BEGIN
            FOR g IN SELECT parent, migration, partitions FROM switchyard.partition_guards LOOP
                current_partitions := ARRAY(SELECT inhrelid FROM pg_inherits WHERE inhparent = g.parent ORDER BY inhrelid);
                CONTINUE WHEN current_partitions IS NOT DISTINCT FROM g.partitions;
                IF TG_TAG = 'CREATE TABLE' AND g.partitions <@ current_partitions THEN
                    UPDATE switchyard.partition_guards SET partitions = current_partitions WHERE parent = g.parent;
                ELSE
                    RAISE EXCEPTION 'switchyard: % would attach, detach or drop a partition of %, which migration % is migrating; refused',
                        TG_TAG, g.parent::regclass, g.migration
                        USING HINT = 'Finish the migration (switchyard apply) or roll it back (switchyard rollback), then change its partitions. New partitions (CREATE TABLE … PARTITION OF) are allowed.';
                END IF;
            END LOOP;
        END $$
        """,
        // Comments are values: the text arrives as a bind parameter and %L quotes it; NULL removes the comment.
        """
        CREATE OR REPLACE FUNCTION switchyard.set_comment(target regclass, column_name text, comment text) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
            IF column_name IS NULL THEN
                EXECUTE format('COMMENT ON TABLE %s IS %L', target, comment);
            ELSE
                EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', target, column_name, comment);
            END IF;
        END $$
        """,
    ];

    /// <summary>Creates what is missing, each statement its own safe command.</summary>
    public static async Task EnsureAsync(SafeSqlRunner sql, CancellationToken ct)
    {
        foreach (var statement in Statements.Concat(EventChainSchema.Statements))
            await sql.ExecuteDdlAsync(new DdlStatement(statement, []), ct).ConfigureAwait(false);
    }
}
