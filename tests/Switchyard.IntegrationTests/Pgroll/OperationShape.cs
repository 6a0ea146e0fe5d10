using Npgsql;

namespace Switchyard.IntegrationTests.Pgroll;

/// <summary>A table's shape in one line, from the catalog: columns (type, NOT NULL, default), constraints, indexes, triggers, replica identity.</summary>
internal static class OperationShape
{
    private const string Query = """
        SELECT concat_ws(' | ',
          (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' nn' ELSE '' END
                  || coalesce(' =' || pg_get_expr(d.adbin, d.adrelid), ''), ', ' ORDER BY a.attnum)
             FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped),
          (SELECT 'con ' || string_agg(conname || ':' || contype::text || CASE WHEN convalidated THEN '' ELSE ' notvalid' END, ', ' ORDER BY conname)
             FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype <> 'n'),
          (SELECT 'idx ' || string_agg(c.relname::text, ', ' ORDER BY c.relname) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = to_regclass($1)),
          (SELECT 'trg ' || string_agg(tgname::text, ', ' ORDER BY tgname) FROM pg_trigger WHERE tgrelid = to_regclass($1) AND NOT tgisinternal),
          (SELECT 'ri ' || relreplident::text FROM pg_class WHERE oid = to_regclass($1) AND relreplident <> 'd'),
          (SELECT 'comment ' || obj_description(to_regclass($1), 'pg_class')))
        """;

    public static async Task<string> OfAsync(NpgsqlDataSource db, string table)
    {
        await using var cmd = db.CreateCommand(Query);
        cmd.Parameters.AddWithValue(table);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }
}
