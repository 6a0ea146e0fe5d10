using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Validation.Checks;

/// <summary>
/// mismatch: rows whose target id differs from the mapping of the legacy value, while both exist.
/// <para>
/// Every row gets one integer CASE and one text comparison: "the legacy value is exactly the code of its id". That
/// proves the row right only for codes that CodeSql maps to themselves, which is asked of the database with CodeSql
/// itself before the scan. Every other row (stray case or whitespace, typos, real mismatches) is a suspect: its
/// distinct (legacy value, id) pairs are collected and judged with the full CodeSql mapping, and only pairs that
/// really disagree are counted and sampled in a second, targeted read.
/// </para>
/// <para>
/// While the legacy column is on the table the scan goes by heap page ranges (TID range scans: no index lookup per
/// row); once only a compat view has it, by key ranges joined to the view.
/// </para>
/// </summary>
public sealed class MismatchCheck : IValidationCheck
{
    /// <summary>Above this many self-mapping codes the fast path is skipped and every row is judged in full.</summary>
    private const int MaxFastCodes = 256;

    public string Name => "mismatch";

    public string Description => "Rows whose target id is not the lookup id of CodeSql(legacy value), while both are set.";

    public async Task<CheckResult> RunAsync(ValidationScope scope, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        if (scope.LegacyMissing is { } missing) return CheckResult.NotApplicable(Name, missing, watch.Elapsed);

        var inspector = new ChunkInspector(scope, await FastPathAsync(scope, scope.LegacyValue, ct).ConfigureAwait(false));
        var byPages = scope.Facts.HasSourceColumn;
        var chunks = byPages
            ? await scope.EachPageChunkAsync(Name, (c, tx, chunk, token) => inspector.InspectAsync(c, tx, chunk.Condition("t"), token), ct).ConfigureAwait(false)
            : await scope.EachChunkAsync(Name, (c, tx, chunk, token) => inspector.InspectAsync(c, tx,
                string.Create(CultureInfo.InvariantCulture, $"t.{scope.Key} >= {chunk.From} AND t.{scope.Key} < {chunk.To}"), token), ct).ConfigureAwait(false);

        var failures = chunks.Sum(c => c.Failures);
        var pairs = chunks.SelectMany(c => c.Pairs).Distinct().Take(10).ToList();
        var unit = byPages ? "page chunks" : "key chunks";
        var detail = failures == 0
            ? $"every id matches CodeSql({scope.LegacySourceName}) in {chunks.Count} {unit}"
            : $"{failures} rows disagree; legacy value→id pairs: {string.Join(", ", pairs)}";
        return CheckResult.Of(Name, chunks.Sum(c => c.Compared), failures, scope.Options.ThresholdFor(Name),
            scope.FirstKeys(chunks.SelectMany(c => c.Keys)), watch.Elapsed, detail);
    }

    /// <summary>What one chunk found.</summary>
    private sealed record ChunkFindings(long Compared, long Failures, List<long> Keys, List<string> Pairs);

    /// <summary>The three statements run in every chunk, for a chunk given as a condition on <c>t</c>.</summary>
    private sealed class ChunkInspector(ValidationScope scope, string fastPath)
    {
        private readonly string _legacy = scope.LegacyValue;
        private string Both => $"t.{scope.State} IS NOT NULL AND {_legacy} IS NOT NULL";

        public async Task<ChunkFindings> InspectAsync(NpgsqlConnection c, NpgsqlTransaction tx, string range, CancellationToken ct)
        {
            // The fast path first: for almost every row it is true, so the suspect filter stops there.
            var scanSql = $"""
                SELECT count(*) FILTER (WHERE {Both}) AS compared,
                       jsonb_agg(DISTINCT jsonb_build_object('legacy', {_legacy}, 'state_id', t.{scope.State}::text)) FILTER (WHERE ({fastPath}) IS NOT TRUE AND {Both}) AS suspects
                FROM {scope.LegacyFrom()}
                WHERE {range}
                """;
            var scan = (await ValidationScope.ReadAllAsync(c, tx, scanSql, r => (Compared: r.GetInt64(0), Suspects: r.IsDBNull(1) ? null : r.GetString(1)), ct).ConfigureAwait(false))[0];
            var findings = new ChunkFindings(scan.Compared, 0, [], []);
            if (scan.Suspects is null) return findings;

            // The full mapping, applied to the few distinct suspect pairs only.
            var judgeSql = $"""
                SELECT p.legacy, p.state_id
                FROM jsonb_to_recordset($1::jsonb) AS p(legacy text, state_id text)
                {scope.ExpectedJoins("p.legacy")}
                WHERE p.state_id IS DISTINCT FROM {scope.ExpectedId}::text
                """;
            var failures = 0L;
            var bad = await ValidationScope.ReadAllAsync(c, tx, judgeSql, r => (Legacy: r.GetString(0), StateId: r.GetString(1)), ct, scan.Suspects).ConfigureAwait(false);
            var pairCondition = $"{_legacy} = $1 AND t.{scope.State}::text = $2";
            foreach (var (value, stateId) in bad)
            {
                failures += (await ValidationScope.ReadAllAsync(c, tx, $"SELECT count(*) FROM {scope.LegacyFrom()} WHERE {range} AND {pairCondition}",
                    r => r.GetInt64(0), ct, value, stateId).ConfigureAwait(false))[0];
                findings.Pairs.Add($"{JsonSerializer.Serialize(value)}→{stateId}");
                if (findings.Keys.Count < scope.Options.SampleKeys)
                    findings.Keys.AddRange(await scope.SampleKeysAsync(c, tx, scope.LegacyFrom(), range, pairCondition, ct, value, stateId).ConfigureAwait(false));
            }
            return findings with { Failures = failures };
        }
    }

    /// <summary>
    /// <c>CASE id WHEN 3 THEN legacy = 'settled' ... ELSE false END</c> over the codes CodeSql maps to themselves,
    /// most frequent id first (from pg_stats, when analyzed); true proves the row maps to its id.
    /// </summary>
    private static async Task<string> FastPathAsync(ValidationScope scope, string legacy, CancellationToken ct)
    {
        var codes = await scope.Sql.QueryAsync($"""
            SELECT l.{scope.LookupId}::text, l.{scope.LookupCode}
            FROM {scope.Lookup} l
            LEFT JOIN (
                SELECT s.value, s.freq
                FROM pg_stats p, unnest(p.most_common_vals::text::text[], p.most_common_freqs) AS s(value, freq)
                WHERE p.schemaname = $1 AND p.tablename = $2 AND p.attname = $3
            ) f ON f.value = l.{scope.LookupId}::text
            WHERE {scope.Target.CodeSql($"l.{scope.LookupCode}")} = l.{scope.LookupCode}
            ORDER BY f.freq DESC NULLS LAST, l.{scope.LookupId}
            LIMIT {MaxFastCodes + 1}
            """,
            r => (Id: r.GetString(0), Code: r.GetString(1)), ct, scope.Target.Table.Schema, scope.Target.Table.Name, scope.Target.TargetColumn).ConfigureAwait(false);
        if (codes.Count == 0 || codes.Count > MaxFastCodes) return "false";
        var whens = string.Join(" ", codes.Select(c => $"WHEN {Ident.Literal(c.Id)} THEN {legacy} = {Ident.Literal(c.Code)}"));
        return string.Create(CultureInfo.InvariantCulture, $"CASE t.{scope.State} {whens} ELSE false END");
    }
}
