using System.Text.Json;
using Npgsql;

namespace Switchyard.Core.Validation.Checks;

/// <summary>What the mismatch check found in one range (a chunk, the whole table, or the pair index).</summary>
internal sealed record RangeFindings(long Compared, long Failures, List<long> Keys, List<string> Pairs)
{
    /// <summary>Names a pair that disagrees and, while fewer keys than the sample size are held, adds its first keys.</summary>
    /// <param name="pairCondition">The pair's rows, with the legacy value as $1 and the id as $2.</param>
    public async Task AddDisagreeingAsync(ValidationScope scope, NpgsqlConnection c, NpgsqlTransaction tx, string from, string range, string pairCondition, Suspect pair, CancellationToken ct)
    {
        Pairs.Add($"{JsonSerializer.Serialize(pair.Legacy)}→{pair.StateId}");
        if (Keys.Count < scope.Options.SampleKeys)
            Keys.AddRange(await scope.SampleKeysAsync(c, tx, from, range, pairCondition, ct, pair.Legacy, pair.StateId).ConfigureAwait(false));
    }
}

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
