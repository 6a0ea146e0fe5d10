using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Switchyard.Core.Validation.Checks;

/// <summary>
/// counts: per UTC day of the time column, the number of rows per code read the legacy way (CodeSql of the legacy
/// value) equals the number per code read the new way (join to the lookup). A row whose id is NULL, wrong or orphaned
/// is missing from one side's window.
/// </summary>
public sealed class CountsCheck : IValidationCheck
{
    public string Name => "counts";

    public string Description => "Per day and code: count by legacy value equals count by joined lookup code.";

    public async Task<CheckResult> RunAsync(ValidationScope scope, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        if ((scope.LegacyMissing ?? scope.ColumnsMissing(scope.Settings.TimeColumn)) is { } missing) return CheckResult.NotApplicable(Name, missing, watch.Elapsed);

        var day = scope.TimeBucket("day");
        string Sql(string range) => $"""
            SELECT {day.Utc("g.day")}::date::text, {scope.ExpectedCode("g.legacy")} AS legacy_code, l.{scope.LookupCode} AS new_code, sum(g.n)::bigint
            FROM (SELECT {day.PerRow} AS day, {scope.LegacyValue} AS legacy, t.{scope.State} AS state_id, count(*) AS n
                  FROM {scope.LegacyFrom()}
                  WHERE {range}
                  GROUP BY 1, 2, 3) g
            LEFT JOIN {scope.Lookup} l ON l.{scope.LookupId} = g.state_id
            {scope.ExpectedJoins("g.legacy")}
            GROUP BY 1, 2, 3
            """;
        Task<List<(string Day, string? Legacy, string? New, long Rows)>> Read(NpgsqlConnection c, NpgsqlTransaction tx, string range, CancellationToken token) =>
            ValidationScope.ReadAllAsync(c, tx, Sql(range), r => (Day: r.GetString(0), Legacy: r.IsDBNull(1) ? null : r.GetString(1), New: r.IsDBNull(2) ? null : r.GetString(2), Rows: r.GetInt64(3)), token);
        // While the legacy column is on the table: one pass or page chunks; once only the compat view has it, key
        // chunks joined to the view.
        var chunks = scope.Facts.HasSourceColumn
            ? (await scope.EachPassAsync(Name, Read, ct).ConfigureAwait(false)).Results
            : await scope.EachChunkAsync(Name, (c, tx, chunk, token) => Read(c, tx,
                string.Create(CultureInfo.InvariantCulture, $"t.{scope.Key} >= {chunk.From} AND t.{scope.Key} < {chunk.To}"), token), ct).ConfigureAwait(false);

        var legacy = new Dictionary<(string Day, string Code), long>();
        var modern = new Dictionary<(string Day, string Code), long>();
        long rows = 0;
        foreach (var g in chunks.SelectMany(c => c))
        {
            rows += g.Rows;
            if (g.Legacy is not null) Add(legacy, (g.Day, g.Legacy), g.Rows);
            if (g.New is not null) Add(modern, (g.Day, g.New), g.Rows);
        }
        var findings = legacy.Keys.Union(modern.Keys).Order()
            .Select(k => (Key: k, Legacy: legacy.GetValueOrDefault(k), New: modern.GetValueOrDefault(k)))
            .Where(x => x.Legacy != x.New)
            .Select(x => new CheckFinding($"{x.Key.Day}/{x.Key.Code}", x.Legacy, Math.Abs(x.Legacy - x.New), $"legacy {x.Legacy} vs new {x.New}"))
            .ToList();
        var days = legacy.Keys.Select(k => k.Day).Union(modern.Keys.Select(k => k.Day)).Count();
        var detail = findings.Count == 0
            ? $"{legacy.Count} day/code windows over {days} days agree"
            : $"{findings.Count} of {legacy.Keys.Union(modern.Keys).Count()} day/code windows differ: {string.Join(", ", findings.Take(6).Select(f => $"{f.Key} {f.Note}"))}";
        return CheckResult.Of(Name, rows, findings.Count, scope.Options.ThresholdFor(Name),
            [.. findings.Take(scope.Options.SampleKeys).Select(f => f.Key)], watch.Elapsed, detail) with { Findings = findings };
    }

    private static void Add(Dictionary<(string, string), long> counts, (string, string) key, long n) =>
        counts[key] = counts.GetValueOrDefault(key) + n;
}
