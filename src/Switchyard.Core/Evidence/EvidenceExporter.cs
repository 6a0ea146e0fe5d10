using System.Text.Json.Nodes;
using Npgsql;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Evidence;

/// <summary>
/// Exports a migration's journal — the migration row, its steps with timings, every event (who: OS user, database
/// user, application) with their hash chain and its head, operator control, and validation results when that table
/// exists — read in one snapshot.
/// </summary>
public sealed class EvidenceExporter
{
    private readonly SafeSqlRunner _sql;
    private readonly TimeProvider _time;

    public EvidenceExporter(SafeSqlRunner sql, TimeProvider? time = null)
    {
        _sql = sql;
        _time = time ?? TimeProvider.System;
    }

    public async Task<EvidenceRecord> ExportAsync(string migration, CancellationToken ct)
    {
        var content = await _sql.InTransactionAsync(async (c, tx, token) =>
        {
            // Timestamps are exported in UTC whatever the server's TimeZone, so the checksum does not depend on it.
            await using (var tz = new NpgsqlCommand("SET LOCAL TimeZone = 'UTC'", c, tx))
                await tz.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            if (!await ScalarAsync<bool>(c, tx, "SELECT to_regclass('switchyard.migrations') IS NOT NULL", token).ConfigureAwait(false))
                throw new SwitchyardException("This database has no Switchyard journal (schema switchyard).", "Name the database the migration ran in with --connection.");
            var rows = await RowsAsync(c, tx, "SELECT to_jsonb(m)::text FROM switchyard.migrations m WHERE name = $1", token, migration).ConfigureAwait(false);
            if (rows.Count == 0)
            {
                var known = await RowsAsync(c, tx, "SELECT to_jsonb(name)::text FROM switchyard.migrations ORDER BY id", token).ConfigureAwait(false);
                throw new SwitchyardException($"No migration named '{migration}' in the journal.",
                    known.Count == 0 ? "No migration has run in this database yet." : $"Known migrations: {string.Join(", ", known.Select(k => k!.GetValue<string>()))}.");
            }
            var record = (JsonObject)rows[0]!;
            var id = record["id"]!.GetValue<long>();
            var content = new JsonObject
            {
                ["format"] = EvidenceRecord.Format,
                ["exported_at"] = _time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["exported_by"] = await ScalarAsync<string>(c, tx, "SELECT current_user::text", token).ConfigureAwait(false),
                ["database"] = await ScalarAsync<string>(c, tx, "SELECT current_database()::text", token).ConfigureAwait(false),
                ["migration"] = record,
                ["steps"] = new JsonArray([.. await RowsAsync(c, tx, "SELECT to_jsonb(s)::text FROM switchyard.steps s WHERE migration_id = $1 ORDER BY id", token, id).ConfigureAwait(false)]),
                ["events"] = new JsonArray([.. await RowsAsync(c, tx, "SELECT to_jsonb(e)::text FROM switchyard.events e WHERE migration_id = $1 ORDER BY id", token, id).ConfigureAwait(false)]),
                // The chain's head makes a deleted last event visible; null in a journal that predates the chain.
                ["chain"] = await ScalarAsync<bool>(c, tx, "SELECT to_regclass('switchyard.event_chain_heads') IS NOT NULL", token).ConfigureAwait(false)
                    ? (await RowsAsync(c, tx, "SELECT jsonb_build_object('seq', seq, 'hash', hash, 'event_id', event_id)::text FROM switchyard.event_chain_heads WHERE chain_key = $1", token, id).ConfigureAwait(false)).FirstOrDefault()
                    : null,
                ["control"] = (await RowsAsync(c, tx, "SELECT to_jsonb(k)::text FROM switchyard.control k WHERE migration_id = $1", token, id).ConfigureAwait(false)).FirstOrDefault(),
                ["validation_results"] = await ScalarAsync<bool>(c, tx, "SELECT to_regclass('switchyard.validation_results') IS NOT NULL", token).ConfigureAwait(false)
                    ? new JsonArray([.. await RowsAsync(c, tx, "SELECT to_jsonb(v)::text FROM switchyard.validation_results v WHERE migration_id = $1 ORDER BY recorded_at, run_id, check_name", token, id).ConfigureAwait(false)])
                    : null,
            };
            return content;
        }, ct, description: "export evidence", isolation: System.Data.IsolationLevel.RepeatableRead).ConfigureAwait(false);
        return EvidenceRecord.Seal(content);
    }

    private static async Task<List<JsonNode?>> RowsAsync(NpgsqlConnection c, NpgsqlTransaction tx, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = SafeSqlRunner.Command(sql, c, tx, args);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var rows = new List<JsonNode?>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false)) rows.Add(JsonNode.Parse(reader.GetString(0)));
        return rows;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection c, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, c, tx);
        return (T)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }
}
