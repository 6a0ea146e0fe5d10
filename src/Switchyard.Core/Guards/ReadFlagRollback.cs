using Switchyard.Core.Execution;

namespace Switchyard.Core.Guards;

/// <summary>
/// Incident response for cutover: sends a flag's reads back to legacy (<c>read_mode = 'legacy'</c>, 0 %) in
/// <c>switchyard.flags</c>. Writes stay as they are, so both shapes keep being written and the roll-forward is safe.
/// The flag trigger NOTIFYs every app instance, which flip together.
/// </summary>
public sealed class ReadFlagRollback
{
    private const string Sql = """
        UPDATE switchyard.flags
        SET read_mode = 'legacy', read_percent = 0, version = version + 1, updated_at = now(), updated_by = 'switchyard-guard'
        WHERE flag_key = $1 AND (read_mode <> 'legacy' OR read_percent <> 0)
        RETURNING flag_key
        """;

    private readonly SafeSqlRunner _sql;

    public ReadFlagRollback(SafeSqlRunner sql) => _sql = sql;

    /// <summary>Rolls the flag back; false when it already read legacy (or does not exist).</summary>
    public async Task<bool> RollBackAsync(string flagKey, CancellationToken ct)
    {
        var exists = await _sql.ScalarAsync<bool>("SELECT to_regclass('switchyard.flags') IS NOT NULL", ct).ConfigureAwait(false);
        if (!exists) return false;
        var rows = await _sql.QueryAsync(Sql, r => r.GetString(0), ct, flagKey).ConfigureAwait(false);
        return rows.Count > 0;
    }
}
