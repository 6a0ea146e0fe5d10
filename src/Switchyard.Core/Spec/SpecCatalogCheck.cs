using Switchyard.Core.Catalog;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations;

namespace Switchyard.Core.Spec;

/// <summary>
/// Checks a spec against the live catalog before anything runs: referenced tables and columns exist (or an earlier
/// operation creates them), and each operation's own check of the live data (a normalization's unmapped values).
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
            if (op is not UnitOperation unit) continue;
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
            await unit.CheckLiveAsync(sql, ct).ConfigureAwait(false);
        }
        return live;
    }
}
