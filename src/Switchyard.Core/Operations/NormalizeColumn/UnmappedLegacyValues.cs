using Switchyard.Core.Backfill;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations;

namespace Switchyard.Core.Operations.NormalizeColumn;

/// <summary>One legacy value as stored (NULL and '' included) that maps to no code: its exact row count and first keys.</summary>
/// <param name="Value">The stored value; null for SQL NULL.</param>
/// <param name="Code">What the mapping makes of it (null for NULL).</param>
public sealed record UnmappedLegacyValue(string? Value, string? Code, long Rows, IReadOnlyList<long> SampleKeys)
{
    /// <summary>NULL, '' or 'value': how an operator writes it.</summary>
    public string Display => Value is null ? "NULL" : $"'{Value}'";

    public override string ToString() => $"{Display} ×{Rows} (keys {string.Join(", ", SampleKeys)})";
}

/// <summary>Every distinct unmapped legacy value (up to <see cref="UnmappedLegacyValues.MaxValues"/> listed), with totals.</summary>
public sealed record UnmappedListing(IReadOnlyList<UnmappedLegacyValue> Values, long DistinctValues, long Rows)
{
    public bool HasNull => Values.Any(v => v.Value is null);

    public override string ToString() =>
        $"{DistinctValues} value(s) in {Rows} row(s): {string.Join("; ", Values)}{(DistinctValues > Values.Count ? $"; … {DistinctValues - Values.Count} more" : "")}";
}

/// <summary>
/// The exact list of legacy values that map to none of the given codes, by one read of the table: NULL and '' are
/// values too. The codes are bound as a parameter; a value that is itself a code the mapping keeps is settled by one
/// comparison, so the mapping runs only for the rest.
/// </summary>
public static class UnmappedLegacyValues
{
    public const int MaxValues = 50;

    public static async Task<UnmappedListing> ReadAsync(SafeSqlRunner sql, NormalizationTarget t, IReadOnlyCollection<string> codes, int sampleKeys, CancellationToken ct)
    {
        var source = $"t.{Ident.Quote(t.SourceColumn)}::text";
        var key = $"t.{Ident.Quote(t.KeyColumn)}";
        // The aliases are bound ($4): before Expand the alias table does not exist yet.
        var code = t.CodeSql(source, "$4::jsonb");
        var rows = await sql.BackgroundScanAsync($"""
            WITH v AS (
                SELECT {source} AS value, {code} AS code, count(*) AS rows, (array_agg({key}::bigint ORDER BY {key}))[1:$2] AS keys
                FROM {t.Table.Sql} t
                WHERE {source} IS NULL
                   OR ({source} <> ALL (ARRAY(SELECT c FROM unnest($1::text[]) AS c WHERE {t.CodeSql("c", "$4::jsonb")} = c))
                       AND ({code} IS NULL OR {code} <> ALL ($1::text[])))
                GROUP BY 1, 2
            )
            SELECT value, code, rows, keys, count(*) OVER (), (sum(rows) OVER ())::bigint FROM v
            ORDER BY rows DESC, value NULLS FIRST
            LIMIT $3
            """,
            r => (Value: new UnmappedLegacyValue(r.IsDBNull(0) ? null : r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetInt64(2), r.GetFieldValue<long[]>(3)),
                Distinct: r.GetInt64(4), Rows: r.GetInt64(5)),
            $"list the legacy values of {t.Table}.{t.SourceColumn} that map to no code", ct, codes.ToArray(), sampleKeys, MaxValues, t.AliasesJson).ConfigureAwait(false);
        return rows.Count == 0 ? new UnmappedListing([], 0, 0) : new UnmappedListing([.. rows.Select(r => r.Value)], rows[0].Distinct, rows[0].Rows);
    }

    /// <summary>What to change, never suggesting the policy already in use; NULL cannot be aliased.</summary>
    public static string Hint(NormalizationTarget t, UnmappedListing listing) =>
        Hint(t, listing.Values.FirstOrDefault(v => v.Value is not null)?.Code, listing.HasNull);

    /// <param name="exampleCode">What the mapping makes of one unmapped non-NULL value, if there is one.</param>
    public static string Hint(NormalizationTarget t, string? exampleCode, bool hasNull)
    {
        var options = new List<string>();
        if (exampleCode is not null) options.Add($"map each under aliases: (e.g. `{exampleCode}: <code>`) or add it to lookup.codes");
        if (hasNull) options.Add($"give the NULL rows a value (UPDATE {t.Table} SET {t.SourceColumn} = … WHERE {t.SourceColumn} IS NULL)");
        if (t.Unmapped.Action != UnmappedAction.MapTo) options.Add("choose `unmapped: { map_to: <code> }`");
        if (t.Unmapped.Action != UnmappedAction.AddToLookup && exampleCode is not null) options.Add("choose `unmapped: add_to_lookup`");
        return string.Join("; or ", options) + ".";
    }
}
