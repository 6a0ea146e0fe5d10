using System.Diagnostics;
using System.Globalization;

namespace Switchyard.Core.Validation.Checks;

/// <summary>
/// orphans: target ids that are not in the lookup table. Scanned even when the foreign key is validated (the proof is
/// cheap), and the foreign key's state is reported alongside.
/// </summary>
public sealed class OrphansCheck : IValidationCheck
{
    public string Name => "orphans";

    public string Description => "Target ids missing from the lookup table; reports whether the foreign key exists and is validated.";

    public async Task<CheckResult> RunAsync(ValidationScope scope, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        if (scope.NewShapeMissing is { } missing) return CheckResult.NotApplicable(Name, missing, watch.Elapsed);

        var (chunks, _) = await scope.EachPassAsync(Name, async (c, tx, range, token) =>
        {
            var sql = $"""
                SELECT g.state_id, g.n, l.{scope.LookupId} IS NULL AS orphan
                FROM (SELECT t.{scope.State} AS state_id, count(*) AS n
                      FROM {scope.Table} t
                      WHERE {range} AND t.{scope.State} IS NOT NULL
                      GROUP BY 1) g
                LEFT JOIN {scope.Lookup} l ON l.{scope.LookupId} = g.state_id
                """;
            var groups = await ValidationScope.ReadAllAsync(c, tx, sql, r => (StateId: r.GetValue(0), Rows: r.GetInt64(1), Orphan: r.GetBoolean(2)), token).ConfigureAwait(false);
            var keys = new List<long>();
            foreach (var g in groups.Where(g => g.Orphan))
            {
                if (keys.Count >= scope.Options.SampleKeys) break;
                keys.AddRange(await scope.SampleKeysAsync(c, tx, $"{scope.Table} t", range, $"t.{scope.State} = $1", token, g.StateId).ConfigureAwait(false));
            }
            return (Groups: groups, Keys: keys);
        }, ct).ConfigureAwait(false);

        var fk = await ForeignKey.ReadAsync(scope, ct).ConfigureAwait(false);
        var orphanIds = chunks.SelectMany(c => c.Groups).Where(g => g.Orphan).GroupBy(g => Convert.ToString(g.StateId, CultureInfo.InvariantCulture))
            .Select(g => new CheckFinding($"{scope.Target.TargetColumn}={g.Key}", g.Sum(x => x.Rows), g.Sum(x => x.Rows), "not in " + scope.Target.LookupTable)).ToList();
        var failures = orphanIds.Sum(o => o.Failures);
        var detail = (failures == 0 ? "every id is in " + scope.Target.LookupTable : $"{failures} rows point at ids missing from {scope.Target.LookupTable}: {string.Join(", ", orphanIds.Select(o => o.Key))}")
            + "; " + fk.Describe();
        return CheckResult.Of(Name, chunks.SelectMany(c => c.Groups).Sum(g => g.Rows), failures, scope.Options.ThresholdFor(Name),
            scope.FirstKeys(chunks.SelectMany(c => c.Keys)), watch.Elapsed, detail) with { Findings = orphanIds };
    }
}
