using Npgsql;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Guards;

/// <summary>Reads the guards' view for <c>switchyard status</c>: every signal now, and the last journaled decision. Changes nothing but the heartbeat.</summary>
public static class GuardStatusReader
{
    private const string LastEvent = """
        SELECT at, message, data->>'action', application_name
        FROM switchyard.events
        WHERE kind = 'guard'
        ORDER BY id DESC
        LIMIT 1
        """;

    private const string LastSloEvent = """
        SELECT at, data->>'action', data->>'state', (data->>'p99_ms')::float8, (data->>'slo_ms')::float8, (data->>'baseline_ms')::float8,
               (data->>'allowed_rows_per_second')::float8, message
        FROM switchyard.events
        WHERE kind = 'guard' AND data->>'source' = $1
        ORDER BY id DESC
        LIMIT 1
        """;

    public static async Task<GuardStatus> ReadAsync(NpgsqlDataSource primary, GuardOptions options, CancellationToken ct)
    {
        await using var guards = await GuardSet.CreateAsync(primary, options, ct).ConfigureAwait(false);
        var snapshot = await guards.ObserveAsync(ct).ConfigureAwait(false);
        var reader = options.ReaderFor(primary);
        return new GuardStatus(snapshot, await LastDecisionAsync(reader, ct).ConfigureAwait(false))
        {
            LatencySlo = await LastSloDecisionAsync(reader, ct).ConfigureAwait(false),
        };
    }

    /// <summary>The newest guard event, or null when there is none (or no journal yet).</summary>
    public static async Task<JournaledDecision?> LastDecisionAsync(SafeSqlRunner reader, CancellationToken ct)
    {
        if (!await reader.ScalarAsync<bool>("SELECT to_regclass('switchyard.events') IS NOT NULL", ct).ConfigureAwait(false)) return null;
        var rows = await reader.QueryAsync(LastEvent,
            r => new JournaledDecision(r.GetFieldValue<DateTimeOffset>(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3)), ct).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>The latency-SLO controller's newest journaled decision, or null when it never ran here.</summary>
    public static async Task<JournaledSloDecision?> LastSloDecisionAsync(SafeSqlRunner reader, CancellationToken ct)
    {
        if (!await reader.ScalarAsync<bool>("SELECT to_regclass('switchyard.events') IS NOT NULL", ct).ConfigureAwait(false)) return null;
        var rows = await reader.QueryAsync(LastSloEvent, r => new JournaledSloDecision(
            r.GetFieldValue<DateTimeOffset>(0), r.IsDBNull(1) ? "" : r.GetString(1), r.IsDBNull(2) ? "" : r.GetString(2),
            r.IsDBNull(3) || double.IsNaN(r.GetDouble(3)) ? null : r.GetDouble(3), r.GetDouble(4), r.GetDouble(5),
            r.IsDBNull(6) ? null : r.GetDouble(6), r.GetString(7)), ct, Slo.LatencySloThrottle.Source).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }
}
