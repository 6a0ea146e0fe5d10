using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Validation.Checks;

/// <summary>
/// mismatch: rows whose target id differs from the mapping of the legacy value, while both exist.
/// <para>
/// To stay within 1.5× a plain count(*), each row gets one integer CASE and one text comparison: "the legacy value is
/// exactly the code of its id". That proves the row right only for codes that CodeSql maps to themselves, which is
/// asked of the database with CodeSql itself before the scan. Every other row (stray case or whitespace, typos,
/// real mismatches) is a suspect: its distinct (legacy value, id) pairs are collected and judged with the full
/// CodeSql mapping, and only pairs that really disagree are counted and sampled in a second, targeted read.
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

        var legacy = scope.LegacyValue;
        var fast = await FastPathAsync(scope, legacy, ct).ConfigureAwait(false);
        var both = $"t.{scope.State} IS NOT NULL AND {legacy} IS NOT NULL";
        var scanSql = $"""
            SELECT count(*) FILTER (WHERE {both}) AS compared,
                   jsonb_agg(DISTINCT jsonb_build_object('legacy', {legacy}, 'state_id', t.{scope.State}::text)) FILTER (WHERE {both} AND NOT ({fast})) AS suspects
            FROM {scope.LegacyFrom()}
            WHERE t.{scope.Key} >= $1 AND t.{scope.Key} < $2
            """;
        // The full mapping, applied to the few distinct suspect pairs only.
        var judgeSql = $"""
            SELECT p.legacy, p.state_id
            FROM jsonb_to_recordset($1::jsonb) AS p(legacy text, state_id text)
            {scope.ExpectedJoins("p.legacy")}
            WHERE p.state_id IS DISTINCT FROM {scope.ExpectedId}::text
            """;
        var countSql = $"""
            SELECT count(*) FROM {scope.LegacyFrom()}
            WHERE t.{scope.Key} >= $1 AND t.{scope.Key} < $2 AND {legacy} = $3 AND t.{scope.State}::text = $4
            """;

        var chunks = await scope.EachChunkAsync(Name, async (c, tx, chunk, token) =>
        {
            var scan = (await ValidationScope.ReadAllAsync(c, tx, scanSql, r => (Compared: r.GetInt64(0), Suspects: r.IsDBNull(1) ? null : r.GetString(1)), token, chunk.From, chunk.To).ConfigureAwait(false))[0];
            var failures = 0L;
            var keys = new List<long>();
            var pairs = new List<string>();
            if (scan.Suspects is not null)
            {
                var bad = await ValidationScope.ReadAllAsync(c, tx, judgeSql, r => (Legacy: r.GetString(0), StateId: r.GetString(1)), token, scan.Suspects).ConfigureAwait(false);
                foreach (var (value, stateId) in bad)
                {
                    failures += (await ValidationScope.ReadAllAsync(c, tx, countSql, r => r.GetInt64(0), token, chunk.From, chunk.To, value, stateId).ConfigureAwait(false))[0];
                    pairs.Add($"{JsonSerializer.Serialize(value)}→{stateId}");
                    if (keys.Count < scope.Options.SampleKeys)
                        keys.AddRange(await scope.SampleKeysAsync(c, tx, scope.LegacyFrom(), $"{legacy} = $3 AND t.{scope.State}::text = $4", chunk, token, value, stateId).ConfigureAwait(false));
                }
            }
            return (scan.Compared, Failures: failures, Keys: keys, Pairs: pairs);
        }, ct).ConfigureAwait(false);

        var failures = chunks.Sum(c => c.Failures);
        var pairs = chunks.SelectMany(c => c.Pairs).Distinct().Take(10).ToList();
        var detail = failures == 0
            ? $"every id matches CodeSql({scope.LegacySourceName}) in {chunks.Count} chunks"
            : $"{failures} rows disagree; legacy value→id pairs: {string.Join(", ", pairs)}";
        return CheckResult.Of(Name, chunks.Sum(c => c.Compared), failures, scope.Options.ThresholdFor(Name),
            scope.FirstKeys(chunks.SelectMany(c => c.Keys)), watch.Elapsed, detail);
    }

    /// <summary>
    /// <c>CASE id WHEN 1 THEN legacy = 'authorized' ... ELSE false END</c> over the codes CodeSql maps to themselves;
    /// true proves the row maps to its id.
    /// </summary>
    private static async Task<string> FastPathAsync(ValidationScope scope, string legacy, CancellationToken ct)
    {
        var codes = await scope.Sql.QueryAsync(
            $"SELECT l.{scope.LookupId}::text, l.{scope.LookupCode} FROM {scope.Lookup} l WHERE {scope.Target.CodeSql($"l.{scope.LookupCode}")} = l.{scope.LookupCode} ORDER BY 1 LIMIT {MaxFastCodes + 1}",
            r => (Id: r.GetString(0), Code: r.GetString(1)), ct).ConfigureAwait(false);
        if (codes.Count == 0 || codes.Count > MaxFastCodes) return "false";
        var whens = string.Join(" ", codes.Select(c => $"WHEN {Ident.Literal(c.Id)} THEN {legacy} = {Ident.Literal(c.Code)}"));
        return string.Create(CultureInfo.InvariantCulture, $"CASE t.{scope.State} {whens} ELSE false END");
    }
}
