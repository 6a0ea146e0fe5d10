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

    public static async Task<GuardStatus> ReadAsync(NpgsqlDataSource primary, GuardOptions options, CancellationToken ct)
    {
        await using var guards = await GuardSet.CreateAsync(primary, options, ct).ConfigureAwait(false);
        var snapshot = await guards.ObserveAsync(ct).ConfigureAwait(false);
        return new GuardStatus(snapshot, await LastDecisionAsync(options.ReaderFor(primary), ct).ConfigureAwait(false));
    }

    /// <summary>The newest guard event, or null when there is none (or no journal yet).</summary>
    public static async Task<JournaledDecision?> LastDecisionAsync(SafeSqlRunner reader, CancellationToken ct)
    {
        if (!await reader.ScalarAsync<bool>("SELECT to_regclass('switchyard.events') IS NOT NULL", ct).ConfigureAwait(false)) return null;
        var rows = await reader.QueryAsync(LastEvent,
            r => new JournaledDecision(r.GetFieldValue<DateTimeOffset>(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3)), ct).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }
}
