using Npgsql;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations;
using Switchyard.Core.Operations.NormalizeColumn;

namespace Switchyard.Core.Validation;

/// <summary>
/// A btree index whose first two key columns are the target id and the legacy column (either order): the mismatch
/// check reads the distinct (legacy value, id) pairs from it by skip scan instead of reading every heap row.
/// <para>
/// Only an index that orders and compares exactly as the columns do qualifies: valid, ready and live, not partial, no
/// expressions, ascending with NULLs last, the default operator classes, and each key's collation the column's own
/// and deterministic. Under a non-deterministic collation 'Settled' and 'settled' could be one index key, and the
/// skip scan would see only one of two spellings.
/// </para>
/// </summary>
/// <param name="Name">The index, as <c>regclass</c> text (schema-qualified when needed, quoted).</param>
/// <param name="LegacyFirst">Whether the legacy column is the first key column.</param>
public sealed record PairIndex(string Name, bool LegacyFirst)
{
    /// <summary>The smallest qualifying index on the target's table, or null.</summary>
    public static async Task<PairIndex?> FindAsync(NpgsqlConnection c, NpgsqlTransaction tx, NormalizationTarget target, CancellationToken ct)
    {
        const string sql = """
            SELECT i.indexrelid::regclass::text, i.indkey[0] = l.attnum
            FROM pg_index i
            JOIN pg_class ic ON ic.oid = i.indexrelid
            JOIN pg_am am ON am.oid = ic.relam AND am.amname = 'btree'
            JOIN pg_attribute s ON s.attrelid = i.indrelid AND s.attname = $2 AND NOT s.attisdropped
            JOIN pg_attribute l ON l.attrelid = i.indrelid AND l.attname = $3 AND NOT l.attisdropped
            WHERE i.indrelid = to_regclass($1)
              AND i.indisvalid AND i.indisready AND i.indislive
              AND i.indpred IS NULL AND i.indexprs IS NULL AND i.indnkeyatts >= 2
              AND ((i.indkey[0] = s.attnum AND i.indkey[1] = l.attnum) OR (i.indkey[0] = l.attnum AND i.indkey[1] = s.attnum))
              AND i.indoption[0] = 0 AND i.indoption[1] = 0
              AND (SELECT bool_and(oc.opcdefault) FROM pg_opclass oc WHERE oc.oid IN (i.indclass[0], i.indclass[1]))
              AND i.indcollation[CASE WHEN i.indkey[0] = s.attnum THEN 0 ELSE 1 END] = s.attcollation
              AND i.indcollation[CASE WHEN i.indkey[0] = l.attnum THEN 0 ELSE 1 END] = l.attcollation
              AND NOT EXISTS (SELECT 1 FROM pg_collation co WHERE co.oid IN (s.attcollation, l.attcollation) AND NOT co.collisdeterministic)
            ORDER BY pg_relation_size(i.indexrelid), 1
            LIMIT 1
            """;
        await using var cmd = SafeSqlRunner.Command(sql, c, tx, target.Table.RegclassText, target.TargetColumn, target.SourceColumn);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false) ? new PairIndex(reader.GetString(0), reader.GetBoolean(1)) : null;
    }
}
