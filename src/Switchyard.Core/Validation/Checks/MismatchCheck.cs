using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Validation.Checks;

/// <summary>
/// mismatch: rows whose target id differs from the mapping of the legacy value, while both exist.
/// <para>
/// Every row gets a proof that is exact and cheap: the legacy value is byte for byte the code of its id
/// (<see cref="IdCodeSql"/>), for codes CodeSql maps to themselves (asked of the database with CodeSql before the scan); only when that
/// fails (stray case or whitespace, typos, real mismatches) is CodeSql(legacy) compared with the id's code. The
/// pass counts compared rows and the rows neither proves (suspects). Only when there are suspects does a second read
/// group them into distinct (legacy value, id) pairs, judged with the full mapping (and the unmapped policy's
/// fallback); only pairs that really disagree are counted and sampled.
/// </para>
/// <para>
/// While the legacy column is on the table the check reads the heap: one parallel pass for a table within
/// <see cref="ValidationOptions.SinglePassMaxBytes"/>, else heap page chunks; once only a compat view has the legacy
/// value, key ranges joined to the view. A table within the limit that has a <see cref="PairIndex"/> is not read row
/// by row at all (<see cref="PairIndexMismatch"/>): every distinct pair is judged once, and the rows only counted.
/// </para>
/// </summary>
public sealed class MismatchCheck : IValidationCheck
{
    public string Name => "mismatch";

    public string Description => "Rows whose target id is not the lookup id of CodeSql(legacy value), while both are set.";

    public async Task<CheckResult> RunAsync(ValidationScope scope, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        if (scope.LegacyMissing is { } missing) return CheckResult.NotApplicable(Name, missing, watch.Elapsed);

        string? heapBecause = null;
        if (scope.Facts.HasSourceColumn && scope.Options.MismatchFromPairIndex && scope.Facts.PairIndex is { } index)
        {
            if (!scope.SinglePass)
                heapBecause = $" (index {index.Name} not used: its row count would hold one snapshot over a table above the single-pass limit)";
            else if (await PairIndexMismatch.ReadAsync(scope, index, ct).ConfigureAwait(false) is ({ } viaIndex, var distinctPairs))
                return Result(scope, [viaIndex], $"distinct (value, id) pairs of index {index.Name} (skip scan)", watch, distinctPairs);
            else
                heapBecause = $" (index {index.Name} holds more than {scope.Options.PairIndexMaxPairs:N0} distinct pairs, so the heap was read)";
        }

        var inspector = new RangeInspector(scope, await UnprovenAsync(scope, scope.LegacyValue, ct).ConfigureAwait(false));
        var (chunks, unit) = scope.Facts.HasSourceColumn
            ? await scope.EachPassAsync(Name, inspector.InspectAsync, ct).ConfigureAwait(false)
            : (await scope.EachChunkAsync(Name, (c, tx, chunk, token) => inspector.InspectAsync(c, tx,
                string.Create(CultureInfo.InvariantCulture, $"t.{scope.Key} >= {chunk.From} AND t.{scope.Key} < {chunk.To}"), token), ct).ConfigureAwait(false), "key chunks");

        return Result(scope, chunks, unit, watch, chunks.Count, heapBecause);
    }

    private CheckResult Result(ValidationScope scope, IReadOnlyList<RangeFindings> parts, string unit, Stopwatch watch, int unitCount, string? note = null)
    {
        var failures = parts.Sum(c => c.Failures);
        var pairs = parts.SelectMany(c => c.Pairs).Distinct().Take(10).ToList();
        var detail = failures == 0
            ? $"every id matches CodeSql({scope.LegacySourceName}) in {unitCount} {unit}{note}"
            : $"{failures} rows disagree; legacy value→id pairs: {string.Join(", ", pairs)} (read in {unitCount} {unit}){note}";
        return CheckResult.Of(Name, parts.Sum(c => c.Compared), failures, scope.Options.ThresholdFor(Name),
            scope.FirstKeys(parts.SelectMany(c => c.Keys)), watch.Elapsed, detail);
    }

    /// <summary>The statements run over one range, given as a condition on <c>t</c>.</summary>
    private sealed class RangeInspector(ValidationScope scope, BoundSql unproven)
    {
        private readonly string _legacy = scope.LegacyValue;
        private string Both => scope.BothSet;
        private string Unproven => $"({unproven.At(1)})";

        public async Task<RangeFindings> InspectAsync(NpgsqlConnection c, NpgsqlTransaction tx, string range, CancellationToken ct)
        {
            var passSql = $"SELECT count(*), count(*) FILTER (WHERE {Unproven}) FROM {scope.LegacyFrom()} WHERE {range} AND {Both}";
            var (compared, unprovenRows) = (await ValidationScope.ReadAllAsync(c, tx, passSql, r => (r.GetInt64(0), r.GetInt64(1)), ct, unproven.After()).ConfigureAwait(false))[0];
            var findings = new RangeFindings(compared, 0, [], []);
            if (unprovenRows == 0) return findings;

            // The few distinct suspect pairs, judged with the full mapping.
            var suspects = await ValidationScope.ReadAllAsync(c, tx,
                $"SELECT {_legacy}, t.{scope.State}::text, count(*) FROM {scope.LegacyFrom()} WHERE {range} AND {Both} AND {Unproven} GROUP BY 1, 2",
                r => new Suspect(r.GetString(0), r.GetString(1), r.GetInt64(2)), ct, unproven.After()).ConfigureAwait(false);
            var bad = await Suspect.DisagreeingAsync(scope, c, tx, suspects, ct).ConfigureAwait(false);
            var pairCondition = $"{_legacy} = $1 AND t.{scope.State}::text = $2";
            foreach (var pair in bad)
                await findings.AddDisagreeingAsync(scope, c, tx, scope.LegacyFrom(), range, pairCondition, pair, ct).ConfigureAwait(false);
            return findings with { Failures = bad.Sum(p => p.Rows) };
        }
    }

    /// <summary>
    /// The condition "this row is not proven to map to its id": <c>(legacy is exactly its id's code) IS NOT TRUE AND
    /// CodeSql(legacy) IS DISTINCT FROM (its id's code)</c> (<see cref="IdCodeSql"/>: bound arrays indexed by the id,
    /// or by its place in a bound id list; with no codes every row is a suspect). The first test, over codes CodeSql
    /// maps to themselves, settles almost every row with one element fetch and one byte comparison; CodeSql runs only
    /// for the rest. Either proves the row right because lookup codes are unique.
    /// </summary>
    private static async Task<BoundSql> UnprovenAsync(ValidationScope scope, string legacy, CancellationToken ct)
    {
        var codes = await scope.LookupCodesAsync(ct).ConfigureAwait(false);
        if (codes.Count == 0) return BoundSql.Plain("true");
        return scope.IdCodes(codes).Unproven(legacy, scope.Target.CodeSql(legacy));
    }
}
