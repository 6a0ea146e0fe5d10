using System.Diagnostics;
using System.Globalization;

namespace Switchyard.Core.Validation.Checks;

/// <summary>
/// sampling: a TABLESAMPLE SYSTEM sample (whole pages, so it reads only the sampled pages) compared row by row — the
/// target id is set, in the lookup, and the code of the legacy value. The cheap check to run often during a backfill;
/// it reports its sample size and percent.
/// </summary>
public sealed class SamplingCheck : IValidationCheck
{
    public string Name => "sampling";

    public string Description => "A TABLESAMPLE SYSTEM sample compared row by row (id set, in the lookup, equal to the mapped code).";

    public async Task<CheckResult> RunAsync(ValidationScope scope, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        if (scope.LegacyMissing is { } missing) return CheckResult.NotApplicable(Name, missing, watch.Elapsed);

        var percent = scope.Options.SamplePercent
            ?? Math.Clamp(100.0 * scope.Options.SampleRows / Math.Max(1, scope.Facts.EstimatedRows), 0.01, 100);
        var p = percent.ToString("0.####", CultureInfo.InvariantCulture);
        var sql = $"""
            SELECT count(*) AS sampled,
                   count(*) FILTER (WHERE l.{scope.LookupCode} IS DISTINCT FROM {scope.ExpectedCode(scope.LegacyValue)}) AS failures,
                   (array_agg(t.{scope.Key} ORDER BY t.{scope.Key}) FILTER (WHERE l.{scope.LookupCode} IS DISTINCT FROM {scope.ExpectedCode(scope.LegacyValue)}))[1:$2]::bigint[]
            FROM {scope.LegacyFrom("TABLESAMPLE SYSTEM ($1)")}
            LEFT JOIN {scope.Lookup} l ON l.{scope.LookupId} = t.{scope.State}
            {scope.ExpectedJoins(scope.LegacyValue)}
            """;
        var row = (await scope.Sql.QueryAsync(sql, r => (Sampled: r.GetInt64(0), Failures: r.GetInt64(1), Keys: r.IsDBNull(2) ? [] : r.GetFieldValue<long[]>(2)), ct, (float)percent, scope.Options.SampleKeys).ConfigureAwait(false))[0];
        var detail = $"sample of {row.Sampled} rows (TABLESAMPLE SYSTEM {p}% of ~{scope.Facts.EstimatedRows:0} rows): {row.Failures} differ";
        return CheckResult.Of(Name, row.Sampled, row.Failures, scope.Options.ThresholdFor(Name), scope.FirstKeys(row.Keys), watch.Elapsed, detail)
            with { Findings = [new CheckFinding("sample", row.Sampled, row.Failures, $"SYSTEM {p}%")] };
    }
}
