using System.Globalization;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations;

namespace Switchyard.Core.Backfill;

/// <summary>What the pre-flight learned before the first batch: roughly how many distinct legacy values, and which look unmapped.</summary>
public sealed record PreflightReport(double? EstimatedDistinct, long SampledRows, IReadOnlyList<PreflightValue> Unmapped)
{
    public IReadOnlyList<string> Warnings(NormalizationTarget target) => Unmapped.Count == 0
        ? []
        :
        [
            $"pre-flight: {Unmapped.Count} legacy value(s) of {target.Table}.{target.SourceColumn} map to no code " +
            $"(policy {target.Unmapped}): " + string.Join(", ", Unmapped.Select(u =>
                $"'{u.Value}' (~{u.EstimatedRows.ToString(CultureInfo.InvariantCulture)} rows)")),
        ];
}

/// <summary>One legacy value seen in pg_stats or the sample that maps to no code.</summary>
public sealed record PreflightValue(string Value, string NormalizedCode, long SampleRows, long EstimatedRows);

/// <summary>
/// Estimates the distinct legacy values from pg_stats (n_distinct, most common values) and a block sample, so an
/// unmapped value is reported before the backfill starts rather than hours in.
/// </summary>
public sealed class UnmappedPreflight
{
    private readonly SafeSqlRunner _sql;

    public UnmappedPreflight(SafeSqlRunner sql) => _sql = sql;

    /// <summary>Rows the block sample aims at.</summary>
    public const int SampleTargetRows = 30_000;

    public async Task<PreflightReport> RunAsync(NormalizationTarget target, CancellationToken ct)
    {
        var lookup = target.LookupTable.Sql;
        var codeColumn = Ident.Quote(target.LookupCodeColumn);
        var reltuples = await _sql.ScalarAsync<double?>("SELECT greatest(reltuples, 0)::float8 FROM pg_class WHERE oid = $1::regclass", ct, target.Table.RegclassText).ConfigureAwait(false) ?? 0;

        var stats = await _sql.QueryAsync("""
            SELECT n_distinct::float8 FROM pg_stats WHERE schemaname = $1 AND tablename = $2 AND attname = $3
            """, r => r.IsDBNull(0) ? (double?)null : r.GetDouble(0), ct, target.Table.Schema, target.Table.Name, target.SourceColumn).ConfigureAwait(false);
        double? distinct = stats.Count == 0 || stats[0] is null ? null : stats[0] < 0 ? -stats[0]!.Value * reltuples : stats[0];

        var found = new Dictionary<string, PreflightValue>(StringComparer.Ordinal);
        var mcvCode = target.CodeSql("v.value");
        var mcv = await _sql.QueryAsync($"""
            SELECT v.value, {mcvCode}, round(v.freq * $4)::bigint
            FROM pg_stats p, unnest(p.most_common_vals::text::text[], p.most_common_freqs) AS v(value, freq)
            WHERE p.schemaname = $1 AND p.tablename = $2 AND p.attname = $3
              AND NOT EXISTS (SELECT 1 FROM {lookup} s WHERE s.{codeColumn} = {mcvCode})
            """, r => new PreflightValue(r.GetString(0), r.IsDBNull(1) ? "<null>" : r.GetString(1), 0, r.GetInt64(2)),
            ct, target.Table.Schema, target.Table.Name, target.SourceColumn, reltuples).ConfigureAwait(false);
        foreach (var v in mcv) found[v.Value] = v;

        var percent = reltuples <= SampleTargetRows ? 100.0 : Math.Max(0.01, SampleTargetRows * 100.0 / reltuples);
        var source = Ident.Quote(target.SourceColumn);
        var code = target.CodeSql("t." + source);
        var sampled = await _sql.ScalarAsync<long>($"SELECT count(*) FROM {target.Table.Sql} t TABLESAMPLE SYSTEM ($1::real) REPEATABLE (7)", ct, percent).ConfigureAwait(false);
        var sample = await _sql.QueryAsync($"""
            SELECT t.{source}::text, {code}, count(*)
            FROM {target.Table.Sql} t TABLESAMPLE SYSTEM ($1::real) REPEATABLE (7)
            WHERE NOT EXISTS (SELECT 1 FROM {lookup} s WHERE s.{codeColumn} = {code})
            GROUP BY 1, 2
            """, r => (Value: r.IsDBNull(0) ? "<null>" : r.GetString(0), Code: r.IsDBNull(1) ? "<null>" : r.GetString(1), Rows: r.GetInt64(2)), ct, percent).ConfigureAwait(false);
        foreach (var s in sample)
        {
            var estimate = sampled > 0 ? (long)Math.Round(s.Rows * Math.Max(reltuples, sampled) / sampled) : s.Rows;
            found[s.Value] = new PreflightValue(s.Value, s.Code, s.Rows, Math.Max(estimate, found.TryGetValue(s.Value, out var m) ? m.EstimatedRows : 0));
        }
        return new PreflightReport(distinct, sampled, [.. found.Values.OrderByDescending(v => v.EstimatedRows).ThenBy(v => v.Value, StringComparer.Ordinal)]);
    }
}
