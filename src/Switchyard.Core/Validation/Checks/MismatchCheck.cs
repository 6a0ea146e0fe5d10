using System.Diagnostics;
using System.Globalization;

namespace Switchyard.Core.Validation.Checks;

/// <summary>
/// mismatch: rows whose target id differs from the mapping of the legacy value, while both exist. Each chunk groups by
/// the raw (legacy value, id) pair first, so the mapping runs once per distinct pair, not once per row: the scan
/// stays close to a plain count(*).
/// </summary>
public sealed class MismatchCheck : IValidationCheck
{
    public string Name => "mismatch";

    public string Description => "Rows whose target id is not the lookup id of CodeSql(legacy value), while both are set.";

    public async Task<CheckResult> RunAsync(ValidationScope scope, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        if (scope.LegacyMissing is { } missing) return CheckResult.NotApplicable(Name, missing, watch.Elapsed);

        // One row per distinct (legacy value, id) pair in the chunk, flagged when the id is not the mapped one.
        var sql = $"""
            SELECT g.legacy, g.state_id, g.n, g.state_id IS DISTINCT FROM {scope.ExpectedId} AS mismatch
            FROM (SELECT {scope.LegacyValue} AS legacy, t.{scope.State} AS state_id, count(*) AS n
                  FROM {scope.LegacyFrom()}
                  WHERE t.{scope.Key} >= $1 AND t.{scope.Key} < $2
                  GROUP BY 1, 2) g
            {scope.ExpectedJoins("g.legacy")}
            WHERE g.legacy IS NOT NULL AND g.state_id IS NOT NULL
            """;
        var chunks = await scope.EachChunkAsync(Name, async (c, tx, chunk, token) =>
        {
            var groups = await ValidationScope.ReadAllAsync(c, tx, sql,
                r => (Legacy: r.GetString(0), StateId: r.GetValue(1), Rows: r.GetInt64(2), Mismatch: r.GetBoolean(3)), token, chunk.From, chunk.To).ConfigureAwait(false);
            var bad = groups.Where(g => g.Mismatch).ToList();
            var keys = new List<long>();
            foreach (var g in bad)
            {
                if (keys.Count >= scope.Options.SampleKeys) break;
                keys.AddRange(await scope.SampleKeysAsync(c, tx, scope.LegacyFrom(), $"{scope.LegacyValue} = $3 AND t.{scope.State} = $4", chunk, token, g.Legacy, g.StateId).ConfigureAwait(false));
            }
            var pairs = bad.Select(g => $"'{g.Legacy}'→{Convert.ToString(g.StateId, CultureInfo.InvariantCulture)}");
            return (Rows: groups.Sum(g => g.Rows), Failures: bad.Sum(g => g.Rows), Keys: keys, Pairs: pairs.ToList());
        }, ct).ConfigureAwait(false);

        var failures = chunks.Sum(c => c.Failures);
        var pairs = chunks.SelectMany(c => c.Pairs).Distinct().Take(10).ToList();
        var detail = failures == 0
            ? $"every id matches CodeSql({scope.LegacySourceName}) in {chunks.Count} chunks"
            : $"{failures} rows disagree; legacy value→id pairs: {string.Join(", ", pairs)}";
        return CheckResult.Of(Name, chunks.Sum(c => c.Rows), failures, scope.Options.ThresholdFor(Name),
            scope.FirstKeys(chunks.SelectMany(c => c.Keys)), watch.Elapsed, detail);
    }
}
