using Switchyard.Core.Execution;

namespace Switchyard.Core.Operations.VersionSchemas;

/// <summary>Reads which earlier Switchyard version schemas (marked by comment) hold views on the tables a migration touches.</summary>
public static class VersionSchemaCatalog
{
    private const string EarlierSql = """
        SELECT DISTINCT n.nspname::text
          FROM pg_depend d
          JOIN pg_rewrite r ON r.oid = d.objid AND d.classid = 'pg_rewrite'::regclass
          JOIN pg_class v ON v.oid = r.ev_class
          JOIN pg_namespace n ON n.oid = v.relnamespace
         WHERE d.refclassid = 'pg_class'::regclass
           AND d.refobjid IN (SELECT to_regclass(t) FROM unnest($1::text[]) t)
           AND obj_description(n.oid, 'pg_namespace') = $2
           AND n.nspname <> ALL ($3::text[])
         ORDER BY 1
        """;

    private const string ListSql = """
        SELECT n.nspname::text, coalesce(string_agg(c.relname::text, ', ' ORDER BY c.relname) FILTER (WHERE c.oid IS NOT NULL), '')
          FROM pg_namespace n
          LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relkind = 'v'
         WHERE obj_description(n.oid, 'pg_namespace') = $1
         GROUP BY n.nspname
         ORDER BY 1
        """;

    /// <summary>Every Switchyard version schema in the database with its views' names, for <c>switchyard status</c>.</summary>
    public static Task<IReadOnlyList<(string Schema, string Views)>> ListAsync(SafeSqlRunner sql, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sql);
        return sql.QueryAsync(ListSql, r => (r.GetString(0), r.GetString(1)), ct, VersionSchemaNames.Marker);
    }

    /// <summary>Earlier version schemas other than this migration's own two, by name.</summary>
    public static async Task<IReadOnlyList<string>> EarlierAsync(SafeSqlRunner sql, VersionSchemaNames names, IEnumerable<QualifiedName> tables, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sql);
        ArgumentNullException.ThrowIfNull(names);
        var relations = tables.Select(t => t.RegclassText).Distinct().ToArray();
        if (relations.Length == 0) return [];
        return await sql.QueryAsync(EarlierSql, r => r.GetString(0), ct, relations, VersionSchemaNames.Marker, new[] { names.New, names.Previous }).ConfigureAwait(false);
    }
}
