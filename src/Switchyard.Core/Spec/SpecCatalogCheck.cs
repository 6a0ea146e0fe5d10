using Switchyard.Core.Catalog;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations;
using Switchyard.Core.Planning;

namespace Switchyard.Core.Spec;

/// <summary>
/// Checks a spec against the live catalog before anything runs: referenced tables and columns exist (or an earlier
/// operation creates them), and under <c>unmapped: fail</c> no existing value maps to no code.
/// </summary>
public static class SpecCatalogCheck
{
    /// <returns>Live columns of every table the spec names (what the planner needs).</returns>
    public static async Task<IReadOnlyDictionary<QualifiedName, IReadOnlyList<CatalogColumn>>> CheckAsync(MigrationSpec spec, SafeSqlRunner sql, CancellationToken ct)
    {
        var live = new Dictionary<QualifiedName, IReadOnlyList<CatalogColumn>>();
        var created = new HashSet<(QualifiedName Table, string? Column)>();

        async Task<IReadOnlyList<CatalogColumn>> Columns(QualifiedName table)
        {
            if (!live.TryGetValue(table, out var cols)) live[table] = cols = await CatalogSnapshot.ColumnsAsync(sql, table, ct).ConfigureAwait(false);
            return cols;
        }

        async Task Table(SpecOperation op, QualifiedName table, string field = "table")
        {
            if (created.Contains((table, null))) return;
            if ((await Columns(table).ConfigureAwait(false)).Count == 0)
                throw new SpecException(op.At(field), $"table {table} does not exist in the target database.",
                    "Check the table name and schema (write schema.table for tables outside public) and the --connection target.");
        }

        async Task Column(SpecOperation op, QualifiedName table, string column, string field = "column")
        {
            await Table(op, table).ConfigureAwait(false);
            if (created.Contains((table, null)) || created.Contains((table, column))) return;
            var cols = await Columns(table).ConfigureAwait(false);
            if (cols.All(c => c.Name != column))
                throw new SpecException(op.At(field), $"column {table}.{column} does not exist.",
                    $"Use one of its columns: {string.Join(", ", cols.Select(c => c.Name))}; or add the column with an earlier add_column.");
        }

        foreach (var op in spec.Operations)
        {
            switch (op)
            {
                case CreateTableOperation c:
                    created.Add((c.Table, null));
                    break;
                case AddColumnOperation a:
                    await Table(a, a.Table).ConfigureAwait(false);
                    created.Add((a.Table, a.Column.Name));
                    break;
                case NormalizeColumnOperation n:
                    var t = n.Target;
                    await Column(n, t.Table, t.SourceColumn).ConfigureAwait(false);
                    await Column(n, t.Table, t.KeyColumn, "key").ConfigureAwait(false);
                    created.Add((t.LookupTable, null));
                    created.Add((t.Table, t.TargetColumn));
                    if (t.Unmapped.Action == UnmappedAction.Fail) await UnmappedAsync(n, sql, ct).ConfigureAwait(false);
                    break;
                case CreateIndexOperation i:
                    foreach (var col in i.Columns) await Column(i, i.Table, col, "columns").ConfigureAwait(false);
                    break;
                case AddForeignKeyOperation f:
                    await Column(f, f.Table, f.Column).ConfigureAwait(false);
                    await Column(f, f.References, f.ReferencedColumn, "references").ConfigureAwait(false);
                    break;
                case SetNotNullOperation s:
                    await Column(s, s.Table, s.Column).ConfigureAwait(false);
                    break;
                case DropColumnOperation d:
                    await Column(d, d.Table, d.Column).ConfigureAwait(false);
                    break;
                case RawSqlOperation r when r.LockTable is not null:
                    await Table(r, r.LockTable).ConfigureAwait(false);
                    break;
            }
        }
        return live;
    }

    private static async Task UnmappedAsync(NormalizeColumnOperation n, SafeSqlRunner sql, CancellationToken ct)
    {
        var t = n.Target;
        var rows = await sql.QueryAsync(NormalizationSql.UnmappedValues(t), r => (Code: r.IsDBNull(0) ? "" : r.GetString(0), Rows: r.GetInt64(1)), ct, t.Codes.ToArray(), t.AliasesJson).ConfigureAwait(false);
        if (rows.Count == 0) return;
        var list = string.Join(", ", rows.Select(r => $"'{r.Code}' ({r.Rows} rows)"));
        throw new SpecException(n.At(n.FieldLocations.ContainsKey("unmapped") ? "unmapped" : "aliases"),
            $"{t.Table}.{t.SourceColumn} has values that map to no code in {t.LookupTable} and the policy is unmapped: fail — {list}.",
            $"Map each under aliases: (e.g. `{rows[0].Code}: <code>`), add it to lookup.codes, or choose `unmapped: {{ map_to: <code> }}` or `unmapped: add_to_lookup`.");
    }
}
