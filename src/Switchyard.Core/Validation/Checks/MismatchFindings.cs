using System.Text.Json;
using Npgsql;

namespace Switchyard.Core.Validation.Checks;

/// <summary>What the mismatch check found in one range (a chunk, the whole table, or the pair index).</summary>
/// <param name="DistinctPairs">The distinct (legacy value, id) pairs judged; counted only by the pair index read.</param>
internal sealed record RangeFindings(long Compared, long Failures, List<long> Keys, List<string> Pairs, int DistinctPairs);

/// <summary>A (legacy value, id) pair to judge, and how many rows have it (0 when not counted).</summary>
internal sealed record Suspect(string Legacy, string StateId, long Rows)
{
    /// <summary>
    /// The pairs whose id is not the lookup id the full mapping gives the legacy value (CodeSql, then the unmapped
    /// policy's fallback): one statement for all of them, however many rows they stand for.
    /// </summary>
    public static Task<List<Suspect>> DisagreeingAsync(ValidationScope scope, NpgsqlConnection c, NpgsqlTransaction tx, IEnumerable<Suspect> pairs, CancellationToken ct)
    {
        var sql = $"""
            SELECT p.legacy, p.state_id, p.rows
            FROM jsonb_to_recordset($1::jsonb) AS p(legacy text, state_id text, rows bigint)
            {scope.ExpectedJoins("p.legacy")}
            WHERE p.state_id IS DISTINCT FROM {scope.ExpectedId}::text
            """;
        var json = JsonSerializer.Serialize(pairs.Select(s => new { legacy = s.Legacy, state_id = s.StateId, rows = s.Rows }));
        return ValidationScope.ReadAllAsync(c, tx, sql, r => new Suspect(r.GetString(0), r.GetString(1), r.GetInt64(2)), ct, json);
    }
}
