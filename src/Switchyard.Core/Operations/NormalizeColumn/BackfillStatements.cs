using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Switchyard.Core.Backfill;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations;

namespace Switchyard.Core.Operations.NormalizeColumn;

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
        // The batch binds the values it maps ($8) and their lookup ids ($9) instead of reading them per statement:
        // values stay data, and the per-row work is one normalization and one short array search. The aliases come
        // first, each with its code's id, so an alias wins over a code of the same spelling exactly as in CodeSql; an
        // alias whose code the lookup lacks has a NULL id and takes the fallback below. $10 (the aliases, jsonb) serves
        // that fallback.
        var aliases = target.Aliases.ToList();
        var ordered = codeIds.OrderBy(c => c.Value).ToList();
        BatchParameters = [
            new NpgsqlParameter { Value = aliases.Select(a => a.Key).Concat(ordered.Select(c => c.Key)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
            new NpgsqlParameter
            {
                Value = aliases.Select(a => codeIds.TryGetValue(a.Value, out var aliasId) ? aliasId : (long?)null).Concat(ordered.Select(c => (long?)c.Value)).ToArray(),
                NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint,
            },
            new NpgsqlParameter { Value = target.AliasesJson, NpgsqlDbType = NpgsqlDbType.Jsonb },
        ];
        _fallbackId = fallbackId;
    }

    private readonly long? _fallbackId;

    /// <summary>The lookup id <c>t.source</c> maps to (or the policy's fallback, or an error), with <see cref="BatchParameters"/> bound from <c>$first</c>.</summary>
    private string Mapped(int first)
    {
        var (values, ids, aliases) = ($"${first}::text[]", $"${first + 1}::bigint[]", $"${first + 2}::jsonb");
        var code = _target.CodeSql("t." + Source, aliases);
        // A code added after the run started (by add_to_lookup, or by the trigger) is still found in the table;
        // what is found nowhere either maps to the policy's code or raises, so no row is ever silently left NULL.
        var unmapped = _fallbackId is { } id
            ? id.ToString(CultureInfo.InvariantCulture)
            : $"switchyard.backfill_unmapped(t.{Source}::text, {code})";
        var lookupFallback = $"coalesce((SELECT s.{Ident.Quote(_target.LookupIdColumn)} FROM {Lookup} s WHERE s.{Ident.Quote(_target.LookupCodeColumn)} = {code}), {unmapped})";
        return $"coalesce(({ids})[array_position({values}, {_target.NormalizedSql("t." + Source)})], {lookupFallback})";
    }

    /// <summary>The values <see cref="BatchSql"/> binds as $8 (aliases, then codes), $9 (their ids) and $10 (aliases, jsonb); fresh copies per batch.</summary>
    public IReadOnlyList<NpgsqlParameter> BatchParameters { get; }

    public string Key { get; }
    public string Source { get; }
    public string TargetColumn { get; }
    public string Table { get; }
    public string Lookup { get; }

    /// <summary>The canonical code of <c>t.source</c>.</summary>
    public string NormalizedSql { get; }

    /// <summary>The lookup id <c>t.source</c> maps to (or the policy's fallback, or an error), as the batch binds it.</summary>
    public string MappedSql => Mapped(8);

    /// <summary>
    /// The batch's last statement, so the cursor commits with the rows: completes the trail window [$1, $2), advances
    /// the range cursor to $2 and logs the batch with the rows the early passes ($11) and it updated.
    /// Parameters: $1/$2 trail window, $3 migration, $4 range, $5 run number, $6/$7 lead window (logged), $8-$10
    /// <see cref="BatchParameters"/>, $11 rows of the early passes before it in the same transaction.
    /// <para>A row still NULL is updated without computing the mapping twice (it is never NULL: it maps, falls back
    /// or raises); a filled row is rewritten only when its value is wrong, so a re-run after a crash does no work twice.</para>
    /// <para>The mapping is computed from the row's status as the UPDATE sees it after taking the row lock (READ
    /// COMMITTED re-checks the WHERE on the newest version), so a value an application wrote meanwhile is never
    /// overwritten with one derived from an older status.</para>
    /// </summary>
    public string BatchSql => BatchSqlFor(Table);

    /// <summary><see cref="BatchSql"/> on one leaf partition (quoted name) of a partitioned table.</summary>
    public string BatchSqlFor(string table) => BatchCursorSql.Around($"""
            UPDATE {table} t SET {TargetColumn} = {Mapped(8)}
            WHERE t.{Key} >= $1 AND t.{Key} < $2 AND (t.{TargetColumn} IS NULL OR t.{TargetColumn} IS DISTINCT FROM {Mapped(8)})
            RETURNING 1
        """, "$11::bigint");

    /// <summary>
    /// One early pass (<see cref="HotPassSchedule"/>), its own statement before the batch's last: fills the NULL rows of
    /// window [$1, $2) whose key has <c>key % $3 = $4</c>; $5-$7 <see cref="BatchParameters"/>. Filled rows are left to
    /// the trail. Each pass is a statement of its own: one UPDATE over all the windows (a BitmapOr) updated 75% of rows
    /// heap-only against 83% this way, and took half again as long.
    /// </summary>
    public string PassSqlFor(string table) => $"""
        UPDATE {table} t SET {TargetColumn} = {Mapped(5)}
        WHERE t.{Key} >= $1 AND t.{Key} < $2 AND t.{Key} % $3 = $4 AND t.{TargetColumn} IS NULL
        """;

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
