using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations;

namespace Switchyard.Core.Backfill;

/// <summary>
/// The SQL the backfill runs, built once per run from the target and the lookup's codes. The mapping is an inline
/// <c>CASE</c> over <see cref="NormalizationTarget.CodeSql"/> with the lookup ids as literals, so a batch costs no
/// join and no function call per row; only a value missing from the literal list falls back to the lookup table.
/// </summary>
public sealed class BackfillStatements : IBackfillBatch
{
    private readonly NormalizationTarget _target;

    public BackfillStatements(NormalizationTarget target, IReadOnlyDictionary<string, long> codeIds, long? fallbackId)
    {
        _target = target;
        Key = Ident.Quote(target.KeyColumn);
        Source = Ident.Quote(target.SourceColumn);
        TargetColumn = Ident.Quote(target.TargetColumn);
        Table = target.Table.Sql;
        Lookup = target.LookupTable.Sql;
        NormalizedSql = target.CodeSql("t." + Source);
        // The batch binds the lookup's codes and ids ($8, $9) and the aliases ($10) instead of reading them per
        // statement: values stay data, and the per-row work is one jsonb probe and one short array search.
        var ordered = codeIds.OrderBy(c => c.Value).ToList();
        BatchParameters = [
            new NpgsqlParameter { Value = ordered.Select(c => c.Key).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
            new NpgsqlParameter { Value = ordered.Select(c => c.Value).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint },
            new NpgsqlParameter { Value = target.AliasesJson, NpgsqlDbType = NpgsqlDbType.Jsonb },
        ];
        var code = target.CodeSql("t." + Source, "$10::jsonb");
        // A code added after the run started (by add_to_lookup, or by the trigger) is still found in the table;
        // what is found nowhere either maps to the policy's code or raises, so no row is ever silently left NULL.
        var unmapped = fallbackId is { } id
            ? id.ToString(CultureInfo.InvariantCulture)
            : $"switchyard.backfill_unmapped(t.{Source}::text, {code})";
        var lookupFallback = $"coalesce((SELECT s.{Ident.Quote(target.LookupIdColumn)} FROM {Lookup} s WHERE s.{Ident.Quote(target.LookupCodeColumn)} = {code}), {unmapped})";
        MappedSql = $"coalesce(($9::bigint[])[array_position($8::text[], {code})], {lookupFallback})";
    }

    /// <summary>The values <see cref="BatchSql"/> binds as $8 (codes), $9 (their ids) and $10 (aliases, jsonb); fresh copies per batch.</summary>
    public IReadOnlyList<NpgsqlParameter> BatchParameters { get; }

    public string Key { get; }
    public string Source { get; }
    public string TargetColumn { get; }
    public string Table { get; }
    public string Lookup { get; }

    /// <summary>The canonical code of <c>t.source</c>.</summary>
    public string NormalizedSql { get; }

    /// <summary>The lookup id <c>t.source</c> maps to (or the policy's fallback, or an error).</summary>
    public string MappedSql { get; }

    /// <summary>
    /// One batch, in one statement so everything commits together: completes the trail window [$1, $2), moves every
    /// other key of the lead window [$6, $7) ahead of time, advances the range cursor to $2 and logs the batch.
    /// Parameters: $1/$2 trail window, $3 migration, $4 range, $5 run number, $6/$7 lead window (empty when none),
    /// $8-$10 <see cref="BatchParameters"/>.
    /// <para>Why two windows: after a bulk load pages are full, so an UPDATE cannot place the new row version on the
    /// same page and must insert into every index (no HOT). Moving half of a page's rows first, in an earlier committed
    /// batch, lets pruning free their space when a later batch reads the page; the other half then updates HOT, with no
    /// index insertions. The trail lags the lead by <see cref="BackfillOptions.HotLagWindows"/> windows so the first
    /// half's old versions are dead to every snapshot (including the other workers') by then.</para>
    /// <para>The mapping is computed from the row's status as the UPDATE sees it after taking the row lock (READ
    /// COMMITTED re-checks the WHERE on the newest version), so a value an application wrote meanwhile is never
    /// overwritten with one derived from an older status.</para>
    /// </summary>
    public string BatchSql => BatchSqlFor(Table);

    /// <summary><see cref="BatchSql"/> on one leaf partition (quoted name) of a partitioned table.</summary>
    public string BatchSqlFor(string table) => BatchCursorSql.Around($"""
            UPDATE {table} t SET {TargetColumn} = {MappedSql}
            WHERE ((t.{Key} >= $1 AND t.{Key} < $2) OR (t.{Key} >= $6 AND t.{Key} < $7 AND t.{Key} % 2 = 0))
              AND t.{TargetColumn} IS DISTINCT FROM {MappedSql}
            RETURNING 1
        """);

    /// <summary>The normalization computes the value itself: the dual-write trigger stands aside.</summary>
    public bool TriggerStandsAside => true;

    /// <summary>Distinct unmapped values in keys [$1, $2) with counts and the first $3 keys of each.</summary>
    public string UnmappedReportSql => $"""
        SELECT t.{Source}::text AS value, {NormalizedSql} AS code, count(*) AS rows, (array_agg(t.{Key}::bigint ORDER BY t.{Key}))[1:$3] AS keys
        FROM {Table} t
        WHERE t.{Key} >= $1 AND t.{Key} < $2
          AND NOT EXISTS (SELECT 1 FROM {Lookup} s WHERE s.{Ident.Quote(_target.LookupCodeColumn)} = {NormalizedSql})
        GROUP BY 1, 2
        ORDER BY count(*) DESC, 1
        LIMIT 100
        """;

    /// <summary>Distinct normalized codes in keys [$1, $2) missing from the lookup.</summary>
    public string MissingCodesSql => $"""
        SELECT DISTINCT {NormalizedSql} AS code
        FROM {Table} t
        WHERE t.{Key} >= $1 AND t.{Key} < $2 AND {NormalizedSql} IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM {Lookup} s WHERE s.{Ident.Quote(_target.LookupCodeColumn)} = {NormalizedSql})
        """;
}
