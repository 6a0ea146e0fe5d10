using System.Diagnostics;
using System.Globalization;

namespace Switchyard.Core.Validation.Checks;

/// <summary>
/// reconciliation: money computed the legacy way equals money computed the new way, to the minor unit — per balance
/// group and bucket (held, settled, ...), Σ amount and count per code, and each child table's count and Σ amount by
/// its parent's code. When a baseline was recorded (<see cref="ReconciliationBaseline"/>), each group's count and Σ
/// amount over the keys that existed then must also still equal the baseline: a changed or lost amount shows up even
/// though both ways read the same row.
/// </summary>
public sealed class ReconciliationCheck : IValidationCheck
{
    public string Name => "reconciliation";

    public string Description => "Per-group balances, Σ amount by code and child tables by code agree legacy vs new; amounts equal the recorded baseline.";

    public async Task<CheckResult> RunAsync(ValidationScope scope, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        if ((scope.LegacyMissing ?? scope.ColumnsMissing(scope.Settings.AmountColumn, scope.Settings.BalanceGroupColumn)) is { } missing)
            return CheckResult.NotApplicable(Name, missing, watch.Elapsed);

        var buckets = scope.Settings.BalanceBuckets;
        var baseline = await ReconciliationBaseline.LoadAsync(scope, ct).ConfigureAwait(false);
        var legacyCode = scope.LegacyCode(scope.LegacyValue, await scope.LookupCodesAsync(ct).ConfigureAwait(false));
        var sql = ChunkSql(scope, legacyCode, baseline is not null);
        var balanceSql = buckets.Count == 0 ? null : BalanceSql(scope, legacyCode, buckets);
        var chunks = await scope.EachChunkAsync(Name, async (c, tx, chunk, token) =>
        {
            object[] range = baseline is null ? [chunk.From, chunk.To] : [chunk.From, chunk.To, baseline.MaxKey];
            var rows = await ValidationScope.ReadAllAsync(c, tx, sql, r => (
                Kind: r.GetString(0), Group: r.IsDBNull(1) ? null : r.GetString(1), Legacy: r.IsDBNull(2) ? null : r.GetString(2), New: r.IsDBNull(3) ? null : r.GetString(3),
                Rows: r.GetInt64(4), Amount: r.GetDecimal(5)), token, legacyCode.After(range)).ConfigureAwait(false);
            var totals = rows.Where(x => x.Kind == "totals").Select(x => (x.Legacy, x.New, x.Rows, x.Amount)).ToList();
            // A group's bucket balances can differ only through rows whose two codes differ: on clean data no chunk has one.
            var balance = balanceSql is not null && totals.Any(t => !string.Equals(t.Legacy, t.New, StringComparison.Ordinal))
                ? await ValidationScope.ReadAllAsync(c, tx, balanceSql, r => (Group: r.GetString(0), Diffs: r.GetFieldValue<decimal[]>(1)), token,
                    legacyCode.After([chunk.From, chunk.To, .. buckets.Select(b => b.Codes.ToArray())])).ConfigureAwait(false)
                : [];
            return (
                Balance: balance,
                Totals: totals,
                Current: rows.Where(x => x.Kind == "baseline").Select(x => (Group: x.Group!, x.Rows, x.Amount)).ToList());
        }, ct).ConfigureAwait(false);

        var findings = new List<CheckFinding>();
        // Balances per group and bucket.
        var groupDiffs = new Dictionary<string, decimal[]>();
        foreach (var (g, d) in chunks.SelectMany(c => c.Balance))
        {
            var sum = groupDiffs.TryGetValue(g, out var s) ? s : groupDiffs[g] = new decimal[buckets.Count];
            for (var i = 0; i < d.Length; i++) sum[i] += d[i];
        }
        foreach (var (g, d) in groupDiffs.Where(x => x.Value.Any(v => v != 0)).OrderBy(x => x.Key, StringComparer.Ordinal))
            findings.Add(new CheckFinding($"{scope.Settings.BalanceGroupColumn}={g}", 1, 1,
                string.Join(", ", buckets.Select((b, i) => (b, i)).Where(x => d[x.i] != 0).Select(x => $"{x.b.Name} legacy−new {d[x.i].ToString(CultureInfo.InvariantCulture)}"))));

        // Σ amount and count per code.
        var rows = chunks.SelectMany(c => c.Totals).Sum(t => t.Rows);
        findings.AddRange(CompareByCode("Σ", chunks.SelectMany(c => c.Totals).Select(t => (t.Legacy, t.New, t.Rows, t.Amount))));

        // Child tables by parent code.
        foreach (var child in scope.Settings.ChildTables)
            findings.AddRange(CompareByCode(child.Table.Name, await ChildTotalsAsync(scope, legacyCode, child, ct).ConfigureAwait(false)));

        // Amounts against the recorded baseline.
        if (baseline is not null)
        {
            var now = new Dictionary<string, (long Rows, decimal Amount)>();
            foreach (var x in chunks.SelectMany(c => c.Current))
            {
                var s = now.GetValueOrDefault(x.Group);
                now[x.Group] = (s.Rows + x.Rows, s.Amount + x.Amount);
            }
            foreach (var g in baseline.Groups.Keys.Union(now.Keys).Order(StringComparer.Ordinal))
            {
                var then = baseline.Groups.GetValueOrDefault(g);
                var current = now.GetValueOrDefault(g);
                if (then != current)
                    findings.Add(new CheckFinding($"{scope.Settings.BalanceGroupColumn}={g}", current.Rows, 1,
                        $"baseline {then.Rows} rows Σ{then.Amount.ToString(CultureInfo.InvariantCulture)} vs now {current.Rows} rows Σ{current.Amount.ToString(CultureInfo.InvariantCulture)}"));
            }
        }

        var detail = (findings.Count == 0
                ? $"{groupDiffs.Count} groups differ in no chunk; Σ by code and {scope.Settings.ChildTables.Count} child tables agree"
                : $"{findings.Count} differences: {string.Join("; ", findings.Take(5).Select(f => $"{f.Key}: {f.Note}"))}")
            + (baseline is null ? "; no baseline recorded" : $"; baseline of {baseline.Groups.Count} groups (keys ≤ {baseline.MaxKey}) from {baseline.RecordedAt:u}");
        return CheckResult.Of(Name, rows, findings.Count, scope.Options.ThresholdFor(Name),
            [.. findings.Select(f => f.Key).Distinct().Take(scope.Options.SampleKeys)], watch.Elapsed, detail) with { Findings = findings };
    }

    /// <summary>
    /// One statement per chunk, one read of its rows, grouped by (legacy code, target id) for the count and Σ per code
    /// pair, and, with a baseline, also by balance group for the count and Σ of keys within it ($3): grouping sets, so
    /// each row is hashed into two small tables instead of one group per (balance group, code, id), which was three
    /// times slower on the bench. The lookup is joined to the groups, not to the rows.
    /// </summary>
    private static string ChunkSql(ValidationScope scope, BoundSql legacyCode, bool withBaseline)
    {
        var group = Execution.Ident.Quote(scope.Settings.BalanceGroupColumn);
        var perGroup = withBaseline
            ? $", GROUPING(t.{group}) AS by_code, count(*) FILTER (WHERE t.{scope.Key} <= $3) AS base_rows, coalesce(sum(t.{scope.Amount}) FILTER (WHERE t.{scope.Key} <= $3), 0) AS base_amount"
            : ", 1 AS by_code";
        var baselineRows = withBaseline
            ? "\nUNION ALL\nSELECT 'baseline', r.grp::text, NULL, NULL, r.base_rows::bigint, r.base_amount FROM r WHERE r.by_code = 0 AND r.base_rows > 0"
            : "";
        return $"""
            WITH r AS (
                SELECT {(withBaseline ? $"t.{group}" : "NULL")} AS grp, {legacyCode.At(withBaseline ? 4 : 3)} AS legacy_code, t.{scope.State} AS state,
                       count(*) AS rows, coalesce(sum(t.{scope.Amount}), 0) AS amount{perGroup}
                FROM {scope.LegacyFrom()}
                WHERE t.{scope.Key} >= $1 AND t.{scope.Key} < $2
                GROUP BY {(withBaseline ? "GROUPING SETS ((2, 3), (1))" : "2, 3")})
            SELECT 'totals', NULL::text, r.legacy_code, l.{scope.LookupCode}, sum(r.rows)::bigint, sum(r.amount)
            FROM r LEFT JOIN {scope.Lookup} l ON l.{scope.LookupId} = r.state
            WHERE r.by_code = 1
            GROUP BY r.legacy_code, l.{scope.LookupCode}{baselineRows}
            """;
    }

    /// <summary>
    /// The balance groups of a chunk whose bucket sums differ, read only for a chunk with a code pair that differs.
    /// Per group and bucket, legacy balance − new balance = Σ over rows of amount × ([legacy code in bucket] − [new
    /// code in bucket]); a row whose codes agree adds zero, so only the rows whose codes differ are summed.
    /// </summary>
    private static string BalanceSql(ValidationScope scope, BoundSql legacyCode, IReadOnlyList<BalanceBucket> buckets)
    {
        var group = Execution.Ident.Quote(scope.Settings.BalanceGroupColumn);
        // Bucket i's codes are the bind parameter $(i + 3) (see BalanceParameters): values, never SQL text.
        static string In(string code, int i) => $"{code} = ANY(${i + 3}::text[])";
        var diffs = string.Join(", ", buckets.Select((_, i) =>
            $"sum((CASE WHEN {In("x.legacy_code", i)} THEN x.amount ELSE 0 END) - (CASE WHEN {In("x.new_code", i)} THEN x.amount ELSE 0 END))"));
        return $"""
            SELECT y.grp, y.d FROM (
                SELECT x.grp::text AS grp, ARRAY[{diffs}] AS d
                FROM (SELECT t.{group} AS grp, {legacyCode.At(buckets.Count + 3)} AS legacy_code, l.{scope.LookupCode} AS new_code, coalesce(t.{scope.Amount}, 0) AS amount
                      FROM {scope.LegacyFrom()}
                      LEFT JOIN {scope.Lookup} l ON l.{scope.LookupId} = t.{scope.State}
                      WHERE t.{scope.Key} >= $1 AND t.{scope.Key} < $2) x
                WHERE x.legacy_code IS DISTINCT FROM x.new_code
                GROUP BY x.grp) y
            WHERE {string.Join(" OR ", buckets.Select((_, i) => $"y.d[{i + 1}] <> 0"))}
            """;
    }

    private static async Task<IReadOnlyList<(string? Legacy, string? New, long Rows, decimal Amount)>> ChildTotalsAsync(ValidationScope scope, BoundSql legacyCode, ChildTable child, CancellationToken ct)
    {
        var fk = Execution.Ident.Quote(child.ParentKeyColumn);
        var sql = $"""
            SELECT r.legacy_code, l.{scope.LookupCode} AS new_code, r.rows, r.amount
            FROM (
                SELECT {legacyCode.At(3)} AS legacy_code, t.{scope.State} AS state, count(*) AS rows, coalesce(sum(ch.{Execution.Ident.Quote(child.AmountColumn)}), 0) AS amount
                FROM {child.Table.Sql} ch
                JOIN {scope.LegacyFrom()} ON t.{scope.Key} = ch.{fk}
                WHERE ch.{fk} >= $1 AND ch.{fk} < $2
                GROUP BY 1, 2) r
            LEFT JOIN {scope.Lookup} l ON l.{scope.LookupId} = r.state
            """;
        var chunks = await scope.EachChunkAsync("reconciliation " + child.Table, (c, tx, chunk, token) =>
            ValidationScope.ReadAllAsync(c, tx, sql, r => (Legacy: r.IsDBNull(0) ? null : r.GetString(0), New: r.IsDBNull(1) ? null : r.GetString(1), Rows: r.GetInt64(2), Amount: r.GetDecimal(3)),
                token, legacyCode.After(chunk.From, chunk.To)), ct).ConfigureAwait(false);
        return [.. chunks.SelectMany(c => c).Select(x => ((string?)x.Legacy, (string?)x.New, x.Rows, x.Amount))];
    }

    /// <summary>Count and Σ per code computed from the legacy side vs from the lookup side; a NULL new code counts on neither new code.</summary>
    private static IEnumerable<CheckFinding> CompareByCode(string what, IEnumerable<(string? Legacy, string? New, long Rows, decimal Amount)> totals)
    {
        var legacy = new Dictionary<string, (long Rows, decimal Amount)>();
        var modern = new Dictionary<string, (long Rows, decimal Amount)>();
        foreach (var t in totals)
        {
            if (t.Legacy is not null) legacy[t.Legacy] = Plus(legacy.GetValueOrDefault(t.Legacy), t.Rows, t.Amount);
            if (t.New is not null) modern[t.New] = Plus(modern.GetValueOrDefault(t.New), t.Rows, t.Amount);
        }
        foreach (var code in legacy.Keys.Union(modern.Keys).Order(StringComparer.Ordinal))
        {
            var l = legacy.GetValueOrDefault(code);
            var n = modern.GetValueOrDefault(code);
            if (l != n)
                yield return new CheckFinding($"{what} {code}", l.Rows, 1,
                    $"legacy {l.Rows} rows Σ{l.Amount.ToString(CultureInfo.InvariantCulture)} vs new {n.Rows} rows Σ{n.Amount.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    private static (long, decimal) Plus((long Rows, decimal Amount) a, long rows, decimal amount) => (a.Rows + rows, a.Amount + amount);
}
