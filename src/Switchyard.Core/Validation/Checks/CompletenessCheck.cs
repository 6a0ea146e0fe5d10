using System.Diagnostics;
using System.Globalization;

namespace Switchyard.Core.Validation.Checks;

/// <summary>
/// completeness: rows whose target column is still NULL, overall, per UTC day of the time column, and per hour for the
/// most recent days (where the dual-write trigger and late backfill ranges show up first), and per partition of a
/// partitioned table (a partition the app created mid-migration, or one a backfill range missed, shows by name).
/// </summary>
public sealed class CompletenessCheck : IValidationCheck
{
    public string Name => "completeness";

    public string Description => "Rows with the target column NULL: overall, per day, and per hour for the last days.";

    public async Task<CheckResult> RunAsync(ValidationScope scope, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        if (scope.NewShapeMissing is { } missing) return CheckResult.NotApplicable(Name, missing, watch.Elapsed);

        var hour = scope.HasTimeColumn ? scope.TimeBucket("hour") : new UtcBucket("timestamp 'epoch'", ConvertAfterGrouping: false);
        var (chunks, _) = await scope.EachPassAsync(Name, async (c, tx, range, token) =>
        {
            var partition = scope.Facts.Partitioned ? "t.tableoid::regclass::text" : "NULL::text";
            var sql = $"""
                SELECT {hour.Utc("g.bucket")} AS hour, g.n, g.missing, g.part
                FROM (SELECT {hour.PerRow} AS bucket, {partition} AS part, count(*) AS n, count(*) FILTER (WHERE t.{scope.State} IS NULL) AS missing
                      FROM {scope.Table} t
                      WHERE {range}
                      GROUP BY 1, 2) g
                """;
            var hours = await ValidationScope.ReadAllAsync(c, tx, sql, r => (Hour: r.GetDateTime(0), Rows: r.GetInt64(1), Missing: r.GetInt64(2), Partition: r.IsDBNull(3) ? null : r.GetString(3)), token).ConfigureAwait(false);
            var keys = hours.Any(h => h.Missing > 0)
                ? await scope.SampleKeysAsync(c, tx, $"{scope.Table} t", range, $"t.{scope.State} IS NULL", token).ConfigureAwait(false)
                : [];
            return (Hours: hours, Keys: keys);
        }, ct).ConfigureAwait(false);

        var byHour = new SortedDictionary<DateTime, (long Rows, long Missing)>();
        foreach (var h in chunks.SelectMany(c => c.Hours))
        {
            byHour.TryGetValue(h.Hour, out var sum);
            byHour[h.Hour] = (sum.Rows + h.Rows, sum.Missing + h.Missing);
        }
        var byDay = byHour.GroupBy(h => h.Key.Date).Select(g => (Day: g.Key, Rows: g.Sum(x => x.Value.Rows), Missing: g.Sum(x => x.Value.Missing))).ToList();
        var hourlyFrom = byHour.Count == 0 ? DateTime.MaxValue : byHour.Keys.Max().Date.AddDays(1 - scope.Options.HourlyDays);
        var recentHours = byHour.Where(h => h.Key >= hourlyFrom).ToList();

        var byPartition = chunks.SelectMany(c => c.Hours).Where(h => h.Partition is not null)
            .GroupBy(h => h.Partition!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new CheckFinding("partition " + g.Key, g.Sum(h => h.Rows), g.Sum(h => h.Missing), g.Sum(h => h.Missing) == 0 ? "complete" : null))
            .ToList();

        if (!scope.HasTimeColumn) (byDay, recentHours) = ([], []); // one window: there is no time to cut by
        var findings = byPartition.Concat(byDay.Where(d => d.Missing > 0).Select(d => new CheckFinding("day " + d.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), d.Rows, d.Missing))
            .Concat(recentHours.Where(h => h.Value.Missing > 0).Select(h => new CheckFinding("hour " + h.Key.ToString("yyyy-MM-dd'T'HH", CultureInfo.InvariantCulture), h.Value.Rows, h.Value.Missing))))
            .ToList();
        var rows = byHour.Values.Sum(v => v.Rows);
        var failures = byHour.Values.Sum(v => v.Missing);
        var detail = $"{failures} of {rows} rows NULL; {byDay.Count(d => d.Missing > 0)} of {byDay.Count} days and {recentHours.Count(h => h.Value.Missing > 0)} of {recentHours.Count} recent hours incomplete";
        if (!scope.HasTimeColumn) detail = $"{failures} of {rows} rows NULL (no per-window breakdown: {scope.ColumnsMissing(scope.Settings.TimeColumn)})";
        if (byPartition.Count > 0) detail += $"; {byPartition.Count(p => p.Failures == 0)} of {byPartition.Count} partitions with rows complete";
        var failing = findings.Where(f => f.Failures > 0).ToList();
        if (failing.Count > 0) detail += ": " + string.Join(", ", failing.Take(6).Select(f => $"{f.Key} ({f.Failures})"));
        return CheckResult.Of(Name, rows, failures, scope.Options.ThresholdFor(Name), scope.FirstKeys(chunks.SelectMany(c => c.Keys)), watch.Elapsed, detail)
            with { Findings = findings };
    }
}
