using Switchyard.Core.Execution;

namespace Switchyard.Core.Catalog;

/// <summary>
/// One index of a table, as a column that replaces another must rebuild it: its key columns by name, unique or not,
/// the access method, and the constraint it backs.
/// </summary>
/// <param name="Constraint">'u', 'p' or 'x' when the index backs that kind of constraint, else null.</param>
/// <param name="Plain">
/// Only plain key columns (no expression, no predicate, no INCLUDE), each ascending with the default operator class and
/// the column's own collation: an index that can be built on another column of another type just by naming it.
/// </param>
public sealed record CatalogIndex(string Name, bool Unique, string Method, IReadOnlyList<string> Columns, char? Constraint, bool Plain)
{
    /// <summary>The table's indexes, with their key columns in order.</summary>
    public static Task<IReadOnlyList<CatalogIndex>> OnTableAsync(SafeSqlRunner sql, QualifiedName table, CancellationToken ct) =>
        sql.QueryAsync("""
            SELECT i.relname, x.indisunique, am.amname,
                   array(SELECT a.attname::text FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(attnum, n)
                         JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum ORDER BY k.n),
                   c.contype::text,
                   x.indexprs IS NULL AND x.indpred IS NULL AND x.indnatts = x.indnkeyatts AND 0 <> ALL (x.indkey::int2[])
                   AND 0 = ALL (x.indoption::int2[])
                   AND NOT EXISTS (SELECT 1 FROM unnest(x.indclass::oid[]) o(opc) JOIN pg_opclass oc ON oc.oid = o.opc WHERE NOT oc.opcdefault)
                   AND NOT EXISTS (SELECT 1 FROM unnest(x.indkey::int2[], x.indcollation::oid[]) k(attnum, coll)
                                   JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum WHERE k.coll <> a.attcollation)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_am am ON am.oid = i.relam
            LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid AND c.contype IN ('u', 'p', 'x')
            WHERE x.indrelid = to_regclass($1)
            ORDER BY i.relname
            """, r => new CatalogIndex(r.GetString(0), r.GetBoolean(1), r.GetString(2), r.GetFieldValue<string[]>(3),
                r.IsDBNull(4) ? null : r.GetString(4)[0], r.GetBoolean(5)), ct, table.RegclassText);
}
