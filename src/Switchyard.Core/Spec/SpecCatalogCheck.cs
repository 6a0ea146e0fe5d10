using Switchyard.Core.Backfill;
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
        // Names an earlier operation gives only in Contract (renames), with what gives them.
        var renamedInContract = new Dictionary<(QualifiedName Table, string? Column), string>();

        async Task<IReadOnlyList<CatalogColumn>> Columns(QualifiedName table)
        {
            if (!live.TryGetValue(table, out var cols)) live[table] = cols = await CatalogSnapshot.ColumnsAsync(sql, table, ct).ConfigureAwait(false);
            return cols;
        }

        void NotRenamedYet(SpecOperation op, QualifiedName table, string? column, string field)
        {
            if (!renamedInContract.TryGetValue((table, column), out var by)) return;
            var what = column is null ? $"table {table}" : $"column {table}.{column}";
            throw new SpecException(op.At(field), $"{what} has that name only from Contract ({by} renames it there), but this operation's steps run before then.",
                "Move this operation to the next migration file (a directory of migrations applies them in order).");
        }

        async Task Table(SpecOperation op, QualifiedName table, string field = "table")
        {
            NotRenamedYet(op, table, null, field);
            if (created.Contains((table, null))) return;
            if ((await Columns(table).ConfigureAwait(false)).Count == 0)
                throw new SpecException(op.At(field), $"table {table} does not exist in {new Connections.ConnectionSettings(sql.DataSource.ConnectionString, "runner", false).Describe()}.",
                    "Check the table name and schema (write schema.table for tables outside public) and the --connection target.");
        }

        async Task Column(SpecOperation op, QualifiedName table, string column, string field = "column")
        {
            await Table(op, table).ConfigureAwait(false);
            NotRenamedYet(op, table, column, field);
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
                    if (t.Unmapped.Action != UnmappedAction.MapTo) await UnmappedAsync(n, sql, ct).ConfigureAwait(false);
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
                case IMigrationOperation unit:
                    foreach (var need in unit.Needs)
                    {
                        if (need.Column is null) await Table(op, need.Table, need.Field).ConfigureAwait(false);
                        else await Column(op, need.Table, need.Column, need.Field).ConfigureAwait(false);
                    }
                    foreach (var made in unit.Creates)
                    {
                        if (made.OnlyFromContract) renamedInContract[(made.Table, made.Column)] = op.Location.Line == 0 ? unit.Kind : $"{unit.Kind} at line {op.Location.Line}";
                        else created.Add((made.Table, made.Column));
                    }
                    break;
                case RawSqlOperation r when r.LockTable is not null:
                    await Table(r, r.LockTable).ConfigureAwait(false);
                    break;
            }
        }
        return live;
    }

    /// <summary>Exact, before Expand: under fail every unmapped value (NULL and '' included) refuses; under add_to_lookup NULL does (it cannot become a code).</summary>
    private static async Task UnmappedAsync(NormalizeColumnOperation n, SafeSqlRunner sql, CancellationToken ct)
    {
        var t = n.Target;
        var listing = await UnmappedLegacyValues.ReadAsync(sql, t, t.Codes, SampleKeys, ct).ConfigureAwait(false);
        if (t.Unmapped.Action == UnmappedAction.AddToLookup)
            listing = listing with { Values = [.. listing.Values.Where(v => v.Value is null)], DistinctValues = listing.HasNull ? 1 : 0, Rows = listing.Values.Where(v => v.Value is null).Sum(v => v.Rows) };
        if (listing.Values.Count == 0) return;
        var why = t.Unmapped.Action == UnmappedAction.AddToLookup ? "NULL cannot be added to the lookup as a code" : "they map to no code";
        throw new SpecException(n.At(n.FieldLocations.ContainsKey("unmapped") ? "unmapped" : "aliases"),
            $"{t.Table}.{t.SourceColumn} has legacy values the policy unmapped: {t.Unmapped} cannot take ({why} in {t.LookupTable}) — {listing}. Nothing was created.",
            UnmappedLegacyValues.Hint(t, listing));
    }

    private const int SampleKeys = 5;
}
