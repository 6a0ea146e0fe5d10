using System.Diagnostics;
using System.Globalization;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Validation.Checks;

/// <summary>
/// downstream: the regulatory report (count and Σ amount per UTC day, report columns and code) built from the legacy
/// value and built from the lookup table are identical: <c>legacy EXCEPT new</c> and <c>new EXCEPT legacy</c> are both
/// empty. Report lines are per day, so the check runs in whole-day time chunks, each its own short transaction.
/// </summary>
public sealed class DownstreamEquivalenceCheck : IValidationCheck
{
    public string Name => "downstream";

    public string Description => "The day/currency/status report from the legacy value and from the lookup: EXCEPT both ways is empty.";

    public async Task<CheckResult> RunAsync(ValidationScope scope, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        if ((scope.LegacyMissing ?? scope.ColumnsMissing([scope.Settings.TimeColumn, scope.Settings.AmountColumn, .. scope.Settings.ReportColumns])) is { } missing)
            return CheckResult.NotApplicable(Name, missing, watch.Elapsed);

        var columns = scope.Settings.ReportColumns.Select(c => "t." + Ident.Quote(c)).ToList();
        var dims = string.Join("", columns.Select((c, i) => $"{c} AS d{i}, "));
        var dimNames = string.Join("", columns.Select((_, i) => $"r.d{i}, "));
        var groupBy = string.Join(", ", Enumerable.Range(1, columns.Count + 3));
        var regroup = string.Join(", ", Enumerable.Range(1, columns.Count + 2));
        var day = scope.TimeBucket("day");
        var legacyCode = scope.LegacyCode(scope.LegacyValue, await scope.LookupCodesAsync(ct).ConfigureAwait(false));
        // One read of the window's rows, grouped by day, report columns, legacy code and target id; both reports are
        // built from that small set (the lookup joined to groups, not rows), so both label exactly the same rows.
        var sql = $"""
            WITH r AS (
                SELECT {day.PerRow} AS day, {dims}{legacyCode.At(3)} AS legacy_code, t.{scope.State} AS state, count(*) AS rows, sum(t.{scope.Amount}) AS amount
                FROM {scope.LegacyFrom()}
                WHERE t.{scope.Time} >= $1 AND t.{scope.Time} < $2
                GROUP BY {groupBy}),
            legacy AS (
                SELECT {day.Utc("r.day")}::date AS day, {dimNames}r.legacy_code AS code, sum(r.rows)::bigint AS rows, sum(r.amount) AS amount
                FROM r GROUP BY {regroup}),
            modern AS (
                SELECT {day.Utc("r.day")}::date AS day, {dimNames}l.{scope.LookupCode} AS code, sum(r.rows)::bigint AS rows, sum(r.amount) AS amount
                FROM r JOIN {scope.Lookup} l ON l.{scope.LookupId} = r.state
                GROUP BY {regroup}),
            legacy_only AS (SELECT * FROM legacy EXCEPT SELECT * FROM modern),
            new_only AS (SELECT * FROM modern EXCEPT SELECT * FROM legacy)
            SELECT 'legacy_only' AS side, x::text FROM legacy_only x
            UNION ALL SELECT 'new_only', x::text FROM new_only x
            UNION ALL SELECT 'lines', (SELECT count(*) FROM legacy)::text
            UNION ALL SELECT 'rows', (SELECT coalesce(sum(rows), 0) FROM legacy)::text
            """;

        var windows = await DayWindowsAsync(scope, ct).ConfigureAwait(false);
        var results = new List<(string Side, string Line)>[windows.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, windows.Count), new ParallelOptions { MaxDegreeOfParallelism = scope.Options.Workers, CancellationToken = ct },
            async (i, token) => results[i] = [.. await scope.Sql.QueryAsync(sql, r => (r.GetString(0), r.GetString(1)), token, legacyCode.After(windows[i].From, windows[i].To)).ConfigureAwait(false)])
            .ConfigureAwait(false);

        var all = results.SelectMany(r => r).ToList();
        var lines = all.Where(x => x.Side == "lines").Sum(x => long.Parse(x.Line, CultureInfo.InvariantCulture));
        var rows = all.Where(x => x.Side == "rows").Sum(x => long.Parse(x.Line, CultureInfo.InvariantCulture));
        var findings = all.Where(x => x.Side is "legacy_only" or "new_only").Select(x => new CheckFinding($"{x.Side} {x.Line}", 0, 1)).ToList();
        var detail = findings.Count == 0
            ? $"{lines} report lines identical from {scope.LegacySourceName} and from {scope.Target.LookupTable}, in {windows.Count} day chunks"
            : $"{findings.Count} report lines differ: {string.Join("; ", findings.Take(4).Select(f => f.Key))}";
        return CheckResult.Of(Name, rows, findings.Count, scope.Options.ThresholdFor(Name),
            [.. findings.Take(scope.Options.SampleKeys).Select(f => f.Key)], watch.Elapsed, detail) with { Findings = findings };
    }

    /// <summary>
    /// Whole UTC days, grouped so each window holds about one key chunk's worth of rows. A timestamp column holds UTC
    /// wall time: its bounds go out as timestamps (DateTimeKind.Unspecified), so the session's time zone never shifts them.
    /// </summary>
    private static async Task<IReadOnlyList<(DateTime From, DateTime To)>> DayWindowsAsync(ValidationScope scope, CancellationToken ct)
    {
        var range = await scope.Sql.QueryAsync($"SELECT min(t.{scope.Time}), max(t.{scope.Time}) FROM {scope.Table} t",
            r => r.IsDBNull(0) ? ((DateTime, DateTime)?)null : (r.GetFieldValue<DateTime>(0), r.GetFieldValue<DateTime>(1)), ct).ConfigureAwait(false);
        if (range[0] is not { } span) return [];
        var kind = scope.TimeIsUtcWallClock ? DateTimeKind.Unspecified : DateTimeKind.Utc;
        static DateTime UtcDate(DateTime t) => (t.Kind == DateTimeKind.Unspecified ? t : t.ToUniversalTime()).Date;
        var first = UtcDate(span.Item1);
        var last = UtcDate(span.Item2).AddDays(1);
        var days = Math.Max(1, (int)(last - first).TotalDays);
        // reltuples is 0 on a never-analyzed table; the key span is then the safer guess (smaller windows, not one huge one).
        var rows = scope.Facts.EstimatedRows > 0 ? scope.Facts.EstimatedRows : (scope.Facts.MaxKey ?? 0) - (scope.Facts.MinKey ?? 0) + 1.0;
        var perDay = Math.Max(1, rows / days);
        var step = (int)Math.Clamp(scope.Options.ChunkKeys / perDay, 1, days);
        var windows = new List<(DateTime, DateTime)>();
        for (var d = first; d < last; d = d.AddDays(step))
            windows.Add((DateTime.SpecifyKind(d, kind), DateTime.SpecifyKind(d.AddDays(step) < last ? d.AddDays(step) : last, kind)));
        return windows;
    }
}
