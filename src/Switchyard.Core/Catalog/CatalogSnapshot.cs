using Switchyard.Core.Execution;

namespace Switchyard.Core.Catalog;

/// <summary>
/// The user-visible schema of a database (everything outside pg_catalog, information_schema and the switchyard
/// journal) as sorted lines per kind, so two snapshots compare exactly and a difference reads as text.
/// </summary>
public sealed record CatalogSnapshot(IReadOnlyDictionary<string, IReadOnlyList<string>> Kinds)
{
    private const string UserSchemas = "n.nspname NOT IN ('pg_catalog', 'information_schema', 'switchyard') AND n.nspname NOT LIKE 'pg\\_%'";

    private static readonly (string Kind, string Sql)[] Queries =
    [
        ("relations", $"""
            SELECT format('%s.%s kind=%s', n.nspname, c.relname, c.relkind) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE {UserSchemas} AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
            """),
        ("columns", $"""
            SELECT format('%s.%s.%s %s notnull=%s default=%s identity=%s', n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                          a.attnotnull, coalesce(pg_get_expr(d.adbin, d.adrelid), ''), a.attidentity)
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE {UserSchemas} AND c.relkind IN ('r', 'p', 'v', 'm') AND a.attnum > 0 AND NOT a.attisdropped
            """),
        ("constraints", $"""
            SELECT format('%s.%s %s %s validated=%s', n.nspname, c.relname, k.conname, pg_get_constraintdef(k.oid), k.convalidated)
            FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE {UserSchemas}
            """),
        ("indexes", $"""
            SELECT format('%s valid=%s ready=%s', pg_get_indexdef(i.indexrelid), i.indisvalid, i.indisready)
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE {UserSchemas}
            """),
        ("triggers", $"""
            SELECT format('%s enabled=%s', pg_get_triggerdef(t.oid), t.tgenabled)
            FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE {UserSchemas} AND NOT t.tgisinternal
            """),
        ("views", $"""
            SELECT format('%s.%s %s', n.nspname, c.relname, pg_get_viewdef(c.oid))
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE {UserSchemas} AND c.relkind IN ('v', 'm')
            """),
        ("functions", $"""
            SELECT format('%s.%s(%s) md5=%s', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid), md5(p.prosrc))
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE {UserSchemas}
            """),
    ];

    public static async Task<CatalogSnapshot> TakeAsync(SafeSqlRunner sql, CancellationToken ct)
    {
        var kinds = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (kind, query) in Queries)
        {
            var rows = await sql.QueryAsync(query, r => r.GetString(0), ct).ConfigureAwait(false);
            kinds[kind] = [.. rows.Order(StringComparer.Ordinal)];
        }
        return new CatalogSnapshot(kinds);
    }

    /// <summary>Lines present in only one of the two snapshots, prefixed "- " (only here) or "+ " (only in <paramref name="other"/>).</summary>
    public IReadOnlyList<string> Diff(CatalogSnapshot other)
    {
        var result = new List<string>();
        foreach (var kind in Kinds.Keys.Union(other.Kinds.Keys).Order(StringComparer.Ordinal))
        {
            var mine = Kinds.GetValueOrDefault(kind) ?? [];
            var theirs = other.Kinds.GetValueOrDefault(kind) ?? [];
            result.AddRange(mine.Except(theirs).Select(l => $"- {kind}: {l}"));
            result.AddRange(theirs.Except(mine).Select(l => $"+ {kind}: {l}"));
        }
        return result;
    }

    public bool SameAs(CatalogSnapshot other) => Diff(other).Count == 0;

    /// <summary>
    /// Columns of a table in attnum order, with their type: what the catalog checks and compat views need; and which
    /// one, if any, is the table's whole primary key with an integer type (what a keyset backfill cuts batches on).
    /// </summary>
    public static async Task<IReadOnlyList<CatalogColumn>> ColumnsAsync(SafeSqlRunner sql, QualifiedName table, CancellationToken ct)
    {
        var columns = await sql.QueryAsync("""
            SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                   a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype)
                   AND EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = a.attrelid AND k.contype = 'p' AND k.conkey = ARRAY[a.attnum]),
                   CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END,
                   col_description(a.attrelid, a.attnum),
                   a.attidentity <> '',
                   array(SELECT f.conname::text || ' on ' || f.conrelid::regclass::text FROM pg_constraint f
                         WHERE f.contype = 'f' AND f.confrelid = a.attrelid AND a.attnum = ANY (f.confkey) ORDER BY 1),
                   array(SELECT c.conname::text FROM pg_constraint c WHERE c.conrelid = a.attrelid AND c.contype = 'c' AND a.attnum = ANY (c.conkey) ORDER BY 1),
                   array(SELECT c.conname::text FROM pg_constraint c WHERE c.conrelid = a.attrelid AND c.contype = 'f' AND a.attnum = ANY (c.conkey) ORDER BY 1)
            FROM pg_attribute a
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum
            """, r => new CatalogColumn(r.GetString(0), r.GetString(1), r.GetBoolean(2))
            {
                SoleIntegerKey = r.GetBoolean(3),
                Default = r.IsDBNull(4) ? null : r.GetString(4),
                Comment = r.IsDBNull(5) ? null : r.GetString(5),
                Identity = r.GetBoolean(6),
                ReferencedBy = r.GetFieldValue<string[]>(7),
                Checks = r.GetFieldValue<string[]>(8),
                ForeignKeys = r.GetFieldValue<string[]>(9),
            }, ct, table.RegclassText).ConfigureAwait(false);
        if (columns.Count == 0) return columns;
        var indexes = await CatalogIndex.OnTableAsync(sql, table, ct).ConfigureAwait(false);
        return [.. columns.Select(c => c with { Indexes = [.. indexes.Where(i => i.Columns.Contains(c.Name))] })];
    }

    public static async Task<bool> TableExistsAsync(SafeSqlRunner sql, QualifiedName table, CancellationToken ct) =>
        await sql.ScalarAsync<bool>("SELECT to_regclass($1) IS NOT NULL", ct, table.RegclassText).ConfigureAwait(false);
}

/// <summary>One live column: name, SQL type, NOT NULL.</summary>
public sealed record CatalogColumn(string Name, string Type, bool NotNull)
{
    /// <summary>True when this column alone is the table's primary key and is int2/int4/int8.</summary>
    public bool SoleIntegerKey { get; init; }

    /// <summary>The default as PostgreSQL prints it (pg_get_expr), what a column replacing this one carries over; null without one.</summary>
    public string? Default { get; init; }

    /// <summary>The column's comment; null without one.</summary>
    public string? Comment { get; init; }

    /// <summary>True for an identity column (GENERATED ... AS IDENTITY): its sequence belongs to it.</summary>
    public bool Identity { get; init; }

    /// <summary>Foreign keys of any table that reference this column, as "constraint on table".</summary>
    public IReadOnlyList<string> ReferencedBy { get; init; } = [];

    /// <summary>Names of the table's check constraints that read this column.</summary>
    public IReadOnlyList<string> Checks { get; init; } = [];

    /// <summary>Names of the table's foreign keys with this column among their columns.</summary>
    public IReadOnlyList<string> ForeignKeys { get; init; } = [];

    /// <summary>The indexes with this column among their key columns.</summary>
    public IReadOnlyList<CatalogIndex> Indexes { get; init; } = [];
}
