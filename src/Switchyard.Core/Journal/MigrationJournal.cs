using System.Text.Json;
using Npgsql;
using Switchyard.Core.Execution;
using Switchyard.Core.Planning;

namespace Switchyard.Core.Journal;

/// <summary>Reads and writes the journal (<see cref="JournalSchema"/>) through the safe runner. Events are append-only.</summary>
public sealed class MigrationJournal(SafeSqlRunner sql)
{
    private const string MigrationColumns = "id, name, target_table, spec_checksum, spec_path, phase, state, created_at, updated_at, flag_key";

    public SafeSqlRunner Sql { get; } = sql;

    public Task EnsureSchemaAsync(CancellationToken ct) => JournalSchema.EnsureAsync(Sql, ct);

    public async Task<bool> ExistsAsync(CancellationToken ct) =>
        await Sql.ScalarAsync<bool>("SELECT to_regclass('switchyard.migrations') IS NOT NULL", ct).ConfigureAwait(false);

    public async Task<MigrationRecord?> FindAsync(string name, CancellationToken ct) =>
        (await Sql.QueryAsync($"SELECT {MigrationColumns} FROM switchyard.migrations WHERE name = $1", Migration, ct, name).ConfigureAwait(false)).FirstOrDefault();

    /// <summary>Migrations that still own their table (not completed, not rolled back).</summary>
    public Task<IReadOnlyList<MigrationRecord>> ActiveAsync(CancellationToken ct) =>
        Sql.QueryAsync($"SELECT {MigrationColumns} FROM switchyard.migrations WHERE state = ANY($1) ORDER BY id", Migration, ct, (object)MigrationStates.Active);

    public Task<IReadOnlyList<MigrationRecord>> AllAsync(CancellationToken ct) =>
        Sql.QueryAsync($"SELECT {MigrationColumns} FROM switchyard.migrations ORDER BY id", Migration, ct);

    /// <summary>Creates the migration with every plan step pending, and its control row, in one transaction.</summary>
    public Task<MigrationRecord> CreateAsync(MigrationPlan plan, CancellationToken ct) =>
        Sql.InTransactionAsync(async (c, tx, token) =>
        {
            MigrationRecord record;
            await using (var cmd = SafeSqlRunner.Command($"""
                INSERT INTO switchyard.migrations (name, target_table, spec_checksum, spec_path, phase, state, flag_key)
                VALUES ($1, $2, $3, $4, 'planned', 'running', $5) RETURNING {MigrationColumns}
                """, c, tx, plan.Name, plan.TargetTable.ToString(), plan.SpecChecksum, plan.SpecPath, plan.FlagKey))
            await using (var reader = await cmd.ExecuteReaderAsync(token).ConfigureAwait(false))
            {
                await reader.ReadAsync(token).ConfigureAwait(false);
                record = Migration(reader);
            }
            await UpsertStepsAsync(c, tx, record.Id, plan, token).ConfigureAwait(false);
            await using (var control = SafeSqlRunner.Command("INSERT INTO switchyard.control (migration_id) VALUES ($1) ON CONFLICT DO NOTHING", c, tx, record.Id))
                await control.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            return record;
        }, ct, description: "create migration journal");

    /// <summary>
    /// Adopts a migration that already ran before Switchyard (or by other means): journaled completed, phase
    /// 'baseline', with the spec's checksum, so a chain skips it and refuses an edited copy. No step runs.
    /// </summary>
    public Task<MigrationRecord> BaselineAsync(string name, string targetTable, string checksum, string? path, CancellationToken ct) =>
        Sql.InTransactionAsync(async (c, tx, token) =>
        {
            await using var cmd = SafeSqlRunner.Command($"""
                INSERT INTO switchyard.migrations (name, target_table, spec_checksum, spec_path, phase, state)
                VALUES ($1, $2, $3, $4, 'baseline', 'completed') RETURNING {MigrationColumns}
                """, c, tx, name, targetTable, checksum, path);
            await using var reader = await cmd.ExecuteReaderAsync(token).ConfigureAwait(false);
            await reader.ReadAsync(token).ConfigureAwait(false);
            return Migration(reader);
        }, ct, description: "baseline migration journal");

    /// <summary>Makes sure every plan step has a row (a spec with new steps after a rollback); resets rolled-back steps to pending.</summary>
    public Task ResetForRunAsync(long id, MigrationPlan plan, CancellationToken ct) =>
        Sql.InTransactionAsync(async (c, tx, token) =>
        {
            await UpsertStepsAsync(c, tx, id, plan, token).ConfigureAwait(false);
            await using (var reset = SafeSqlRunner.Command("UPDATE switchyard.steps SET status = 'pending' WHERE migration_id = $1 AND status = 'rolled_back'", c, tx, id))
                await reset.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            await using (var update = SafeSqlRunner.Command("UPDATE switchyard.migrations SET spec_checksum = $2, spec_path = $3, flag_key = $4, updated_at = now() WHERE id = $1", c, tx, id, plan.SpecChecksum, plan.SpecPath, plan.FlagKey))
                await update.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            await using (var control = SafeSqlRunner.Command("INSERT INTO switchyard.control (migration_id) VALUES ($1) ON CONFLICT DO NOTHING", c, tx, id))
                await control.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            return 0;
        }, ct, description: "reset migration steps");

    private static async Task UpsertStepsAsync(NpgsqlConnection c, NpgsqlTransaction tx, long id, MigrationPlan plan, CancellationToken ct)
    {
        foreach (var step in plan.Steps)
        {
            await using var cmd = SafeSqlRunner.Command("""
                INSERT INTO switchyard.steps (migration_id, phase, step_key, description, sql, kind) VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (migration_id, step_key) DO UPDATE SET kind = EXCLUDED.kind WHERE switchyard.steps.kind IS NULL
                """, c, tx, id, Phase(step.Phase), step.Key, step.Description, step.Sql, Kind(step.Kind));
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    public static string Phase(MigrationPhase phase) => phase.ToString().ToLowerInvariant();

    /// <summary>A step kind as the journal's <c>kind</c> column holds it.</summary>
    public static string Kind(StepKind kind) => kind.ToString().ToLowerInvariant();

    public Task SetPhaseAsync(long id, string phase, string state, CancellationToken ct) =>
        Sql.ExecuteAsync("UPDATE switchyard.migrations SET phase = $2, state = $3, updated_at = now() WHERE id = $1", ct, id, phase, state);

    public Task SetStateAsync(long id, string state, CancellationToken ct) =>
        Sql.ExecuteAsync("UPDATE switchyard.migrations SET state = $2, updated_at = now() WHERE id = $1", ct, id, state);

    public Task<IReadOnlyList<StepRecord>> StepsAsync(long id, CancellationToken ct) =>
        Sql.QueryAsync("SELECT step_key, phase, description, sql, status, attempts, started_at, finished_at, error, kind FROM switchyard.steps WHERE migration_id = $1 ORDER BY id", r =>
            new StepRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt32(5),
                r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6), r.IsDBNull(7) ? null : r.GetFieldValue<DateTimeOffset>(7), r.IsDBNull(8) ? null : r.GetString(8))
            {
                Kind = r.IsDBNull(9) ? null : r.GetString(9),
            }, ct, id);

    /// <summary>
    /// When the migration's earliest step last started (its first change to the database in this run); null for a name
    /// the journal does not know, a journal that does not exist or steps that never ran.
    /// </summary>
    public async Task<DateTime?> FirstStepStartedAsync(string name, CancellationToken ct) =>
        await ExistsAsync(ct).ConfigureAwait(false)
            ? await Sql.ScalarAsync<DateTime?>("""
                SELECT min(s.started_at) FROM switchyard.steps s JOIN switchyard.migrations m ON m.id = s.migration_id WHERE m.name = $1
                """, ct, name).ConfigureAwait(false)
            : null;

    /// <summary>Marks a step running, counts the attempt and records it as an event; returns the attempt number.</summary>
    public async Task<int> StepStartedAsync(long id, string key, CancellationToken ct) =>
        // One statement: a crash can never leave the attempt counted but not in the event log.
        await Sql.ScalarAsync<int>("""
            WITH s AS (
                UPDATE switchyard.steps SET status = 'running', attempts = attempts + 1, started_at = now(), finished_at = NULL, error = NULL
                WHERE migration_id = $1 AND step_key = $2 RETURNING attempts
            )
            INSERT INTO switchyard.events (migration_id, os_user, kind, message, data)
            SELECT $1, $3, 'step_started', $2 || ': attempt ' || s.attempts, jsonb_build_object('step', $2::text, 'attempt', s.attempts) FROM s
            RETURNING (data->>'attempt')::int
            """, ct, id, key, Environment.UserName).ConfigureAwait(false);

    public async Task StepFinishedAsync(long id, string key, string status, string? detail, CancellationToken ct)
    {
        await Sql.ExecuteAsync("UPDATE switchyard.steps SET status = $3, finished_at = now(), error = $4 WHERE migration_id = $1 AND step_key = $2",
            ct, id, key, status, status == StepStatuses.Failed ? detail : null).ConfigureAwait(false);
        await EventAsync(id, "step_" + status, $"{key}: {status}{(detail is null ? "" : " — " + detail)}", new { step = key, detail }, ct).ConfigureAwait(false);
    }

    /// <summary>Appends an event with the OS user; application_name and db user come from the session.</summary>
    public Task EventAsync(long? id, string kind, string message, object? data, CancellationToken ct) =>
        Sql.ExecuteAsync("INSERT INTO switchyard.events (migration_id, os_user, kind, message, data) VALUES ($1, $2, $3, $4, $5::jsonb)", ct,
            id, Environment.UserName, kind, message, data is null ? null : JsonSerializer.Serialize(data, JsonOptions));

    public Task<IReadOnlyList<EventRecord>> EventsAsync(long id, CancellationToken ct) =>
        Sql.QueryAsync("SELECT id, at, os_user, db_user, application_name, kind, message, data::text FROM switchyard.events WHERE migration_id = $1 ORDER BY id", r =>
            new EventRecord(r.GetInt64(0), r.GetFieldValue<DateTimeOffset>(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7)), ct, id);

    public async Task<ControlRecord> ControlAsync(long id, CancellationToken ct) =>
        (await Sql.QueryAsync("SELECT paused, abort_requested, reason FROM switchyard.control WHERE migration_id = $1",
            r => new ControlRecord(r.GetBoolean(0), r.GetBoolean(1), r.IsDBNull(2) ? null : r.GetString(2)), ct, id).ConfigureAwait(false)).FirstOrDefault()
        ?? new ControlRecord(false, false, null);

    public Task SetControlAsync(long id, bool paused, bool abortRequested, string? reason, CancellationToken ct) =>
        Sql.ExecuteAsync("""
            INSERT INTO switchyard.control (migration_id, paused, abort_requested, reason) VALUES ($1, $2, $3, $4)
            ON CONFLICT (migration_id) DO UPDATE SET paused = $2, abort_requested = $3, reason = $4, updated_at = now(), updated_by = current_user
            """, ct, id, paused, abortRequested, reason);

    public async Task<FlagRecord?> FlagAsync(string key, CancellationToken ct) =>
        (await Sql.QueryAsync("SELECT flag_key, read_mode, read_percent, write_mode, version, updated_at, updated_by FROM switchyard.flags WHERE flag_key = $1",
            r => new FlagRecord(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetString(3), r.GetInt64(4), r.GetFieldValue<DateTimeOffset>(5), r.GetString(6)), ct, key).ConfigureAwait(false)).FirstOrDefault();

    /// <summary>Sets a flag (creating it if missing) and bumps its version; the flags trigger NOTIFYs listeners.</summary>
    public async Task<FlagRecord> SetFlagAsync(string key, string readMode, int readPercent, string writeMode, CancellationToken ct)
    {
        await Sql.ExecuteAsync("""
            INSERT INTO switchyard.flags (flag_key, read_mode, read_percent, write_mode) VALUES ($1, $2, $3, $4)
            ON CONFLICT (flag_key) DO UPDATE SET read_mode = $2, read_percent = $3, write_mode = $4, version = switchyard.flags.version + 1, updated_at = now(), updated_by = current_user
            """, ct, key, readMode, readPercent, writeMode).ConfigureAwait(false);
        return (await FlagAsync(key, ct).ConfigureAwait(false))!;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static MigrationRecord Migration(NpgsqlDataReader r) => new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3),
        r.IsDBNull(4) ? null : r.GetString(4), r.GetString(5), r.GetString(6), r.GetFieldValue<DateTimeOffset>(7), r.GetFieldValue<DateTimeOffset>(8))
    {
        FlagKey = r.IsDBNull(9) ? null : r.GetString(9),
    };
}
