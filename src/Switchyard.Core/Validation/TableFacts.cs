using Npgsql;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations;
using Switchyard.Core.Operations.NormalizeColumn;

namespace Switchyard.Core.Validation;

/// <summary>What the catalog says about the migrating table when the suite starts: which columns, lookup and view exist, the key range and the heap's size in pages.</summary>
/// <param name="Columns">Each column's type and NOT NULL flag, by name; null when not read.</param>
/// <param name="PairIndex">An index on (target id, legacy column) the mismatch check can read instead of the heap, while both columns exist.</param>
public sealed record TableFacts(
    bool TableExists,
    bool HasSourceColumn,
    bool HasTargetColumn,
    bool HasLookup,
    QualifiedName? CompatView,
    long? MinKey,
    long? MaxKey,
    double EstimatedRows,
    long Pages = 0,
    IReadOnlyDictionary<string, ColumnFact>? Columns = null,
    long HeapBytes = 0,
    PairIndex? PairIndex = null)
{
    /// <summary>True for a partitioned table (relkind 'p'): checks that can afford it report per partition.</summary>
    public bool Partitioned { get; init; }

    /// <summary>Whether the catalog guarantees <paramref name="column"/> holds no NULL (false when unknown).</summary>
    public bool IsNotNull(string column) => Columns?.GetValueOrDefault(column)?.NotNull == true;

    /// <summary>The column's type as <c>format_type</c> prints it (e.g. <c>smallint</c>, <c>text</c>), or null when unknown.</summary>
    public string? TypeOf(string column) => Columns?.GetValueOrDefault(column)?.Type;

    public static async Task<TableFacts> ReadAsync(SafeSqlRunner sql, NormalizationTarget target, ReconciliationSettings settings, CancellationToken ct)
    {
        return await sql.InTransactionAsync(async (c, tx, token) =>
        {
            var table = target.Table.RegclassText;
            var exists = await ScalarAsync<bool>(c, tx, "SELECT to_regclass($1) IS NOT NULL", token, table).ConfigureAwait(false);
            if (!exists) return new TableFacts(false, false, false, false, null, null, null, 0);
            var hasSource = await ColumnExistsAsync(c, tx, table, target.SourceColumn, token).ConfigureAwait(false);
            var hasTarget = await ColumnExistsAsync(c, tx, table, target.TargetColumn, token).ConfigureAwait(false);
            var hasLookup = await ScalarAsync<bool>(c, tx, "SELECT to_regclass($1) IS NOT NULL", token, target.LookupTable.RegclassText).ConfigureAwait(false);
            var view = await FindCompatViewAsync(c, tx, target, settings, token).ConfigureAwait(false);
            var key = Ident.Quote(target.KeyColumn);
            long? min = null, max = null;
            await using (var cmd = SafeSqlRunner.Command($"SELECT min({key}), max({key}) FROM {target.Table.Sql}", c, tx))
            await using (var reader = await cmd.ExecuteReaderAsync(token).ConfigureAwait(false))
            {
                await reader.ReadAsync(token).ConfigureAwait(false);
                if (!reader.IsDBNull(0)) min = Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture);
                if (!reader.IsDBNull(1)) max = Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
            }
            var rows = await ScalarAsync<float>(c, tx, "SELECT greatest(reltuples, 0)::real FROM pg_class WHERE oid = to_regclass($1)", token, table).ConfigureAwait(false);
            // A partitioned table's own relation is empty: its heap is the sum of its partitions' (pg_partition_tree
            // lists nothing for a plain table).
            var heapBytes = await ScalarAsync<long>(c, tx, """
                SELECT CASE WHEN c.relkind = 'p'
                            THEN (SELECT coalesce(sum(pg_relation_size(p.relid)), 0)::bigint FROM pg_partition_tree(c.oid) p)
                            ELSE pg_relation_size(c.oid) END
                FROM pg_class c WHERE c.oid = to_regclass($1)
                """, token, table).ConfigureAwait(false);
            var pages = heapBytes / await ScalarAsync<long>(c, tx, "SELECT current_setting('block_size')::bigint", token).ConfigureAwait(false);
            var columns = new Dictionary<string, ColumnFact>(StringComparer.Ordinal);
            await using (var cmd = SafeSqlRunner.Command("SELECT attname, format_type(atttypid, NULL), attnotnull FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped", c, tx, table))
            await using (var reader = await cmd.ExecuteReaderAsync(token).ConfigureAwait(false))
                while (await reader.ReadAsync(token).ConfigureAwait(false)) columns[reader.GetString(0)] = new ColumnFact(reader.GetString(1), reader.GetBoolean(2));
            var pairIndex = hasSource && hasTarget ? await PairIndex.FindAsync(c, tx, target, token).ConfigureAwait(false) : null;
            var partitioned = await ScalarAsync<bool>(c, tx, "SELECT relkind = 'p' FROM pg_class WHERE oid = to_regclass($1)", token, table).ConfigureAwait(false);
            return new TableFacts(true, hasSource, hasTarget, hasLookup, view, min, max, rows, pages, columns, heapBytes, pairIndex) { Partitioned = partitioned };
        }, ct, description: $"read catalog facts of {target.Table}").ConfigureAwait(false);
    }

    /// <summary>The configured compat view, or a view over the table that exposes the key and the legacy column.</summary>
    private static async Task<QualifiedName?> FindCompatViewAsync(NpgsqlConnection c, NpgsqlTransaction tx, NormalizationTarget target, ReconciliationSettings settings, CancellationToken ct)
    {
        const string sql = """
            SELECT n.nspname, v.relname
            FROM pg_class v
            JOIN pg_namespace n ON n.oid = v.relnamespace
            WHERE v.relkind IN ('v', 'm')
              AND ($3::text IS NULL OR v.oid = to_regclass($3))
              AND ($3::text IS NOT NULL OR EXISTS (
                    SELECT 1 FROM pg_rewrite r JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                    WHERE r.ev_class = v.oid AND d.refobjid = to_regclass($4)))
              AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = v.oid AND a.attname = $1 AND NOT a.attisdropped)
              AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = v.oid AND a.attname = $2 AND NOT a.attisdropped)
            ORDER BY 1, 2
            LIMIT 1
            """;
        await using var cmd = SafeSqlRunner.Command(sql, c, tx, target.SourceColumn, target.KeyColumn, settings.CompatView?.RegclassText, target.Table.RegclassText);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false) ? new QualifiedName(reader.GetString(0), reader.GetString(1)) : null;
    }

    internal static async Task<bool> ColumnExistsAsync(NpgsqlConnection c, NpgsqlTransaction tx, string regclass, string column, CancellationToken ct) =>
        await ScalarAsync<bool>(c, tx, "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = $2 AND attnum > 0 AND NOT attisdropped)", ct, regclass, column).ConfigureAwait(false);

    internal static async Task<T> ScalarAsync<T>(NpgsqlConnection c, NpgsqlTransaction tx, string sql, CancellationToken ct, params object?[] parameters)
    {
        await using var cmd = SafeSqlRunner.Command(sql, c, tx, parameters);
        return (T)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }
}

/// <summary>A column's type (as <c>format_type</c> prints it) and whether it is declared NOT NULL.</summary>
public sealed record ColumnFact(string Type, bool NotNull);
