using Switchyard.Core.Catalog;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations.AddColumn;
using Switchyard.Core.Operations.AlterColumn;
using Switchyard.Core.Operations.CreateTable;
using Switchyard.Core.Operations.DropColumn;
using Switchyard.Core.Operations.DropTable;
using Switchyard.Core.Operations.RenameColumn;
using Switchyard.Core.Operations.RenameTable;
using Switchyard.Core.Spec;

namespace Switchyard.Core.Operations.VersionSchemas;

/// <summary>A column of the new version's view: the name it shows, the physical column behind it during the migration and after Contract.</summary>
public sealed record ExposedColumn(string Name, string During, string After);

/// <summary>
/// One table the migration touches, as each version sees it. <see cref="Old"/> is the physical shape before the
/// migration (empty for a table it creates); <see cref="New"/> the shape after it (empty for a table it drops).
/// </summary>
public sealed record TableVersions(QualifiedName Physical, string NewViewName, QualifiedName FinalPhysical, IReadOnlyList<string> Old, IReadOnlyList<ExposedColumn> New);

/// <summary>
/// Works out each touched table's old and new shape from the operations, in order: a renamed column shows under its
/// new name, a type-changed column shows its shadow under the column's (new) name, an added column shows in the new
/// shape only, a dropped column in the old only. Columns the migration itself adds are left out of the old shape even
/// when a resumed run already sees them in the catalog.
/// </summary>
public static class VersionSchemaShape
{
    public static IReadOnlyList<TableVersions> Of(MigrationSpec spec, IReadOnlyDictionary<QualifiedName, IReadOnlyList<CatalogColumn>> live)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(live);
        var created = CreatedColumns(spec);
        var tables = new Dictionary<QualifiedName, Builder>();
        var order = new List<QualifiedName>();
        Builder? Touch(QualifiedName table)
        {
            if (tables.TryGetValue(table, out var b)) return b;
            if (!live.TryGetValue(table, out var columns) || columns.Count == 0) return null;
            var old = columns.Select(c => c.Name).Where(n => !created.Contains((table, n))).ToList();
            b = new Builder(table, old, [.. old.Select(n => new ExposedColumn(n, n, n))]);
            tables[table] = b;
            order.Add(table);
            return b;
        }
        foreach (var op in spec.Operations)
        {
            switch (op)
            {
                case PgrollCreateTable c when !tables.ContainsKey(c.Name):
                    tables[c.Name] = new Builder(c.Name, [], [.. c.Columns.Select(x => new ExposedColumn(x.Name, x.Name, x.Name))]) { Created = true };
                    order.Add(c.Name);
                    break;
                case PgrollAddColumn a when Touch(a.On) is { } b:
                    b.New.Add(new ExposedColumn(a.Column.Name, a.Column.Name, a.Column.Name));
                    break;
                case PgrollDropColumn d when Touch(d.On) is { } b:
                    b.New.RemoveAll(x => x.Name == d.Column);
                    break;
                case PgrollRenameColumn r when Touch(r.On) is { } b:
                    b.Rename(r.From, r.To);
                    break;
                case PgrollAlterColumn a when Touch(a.On) is { } b:
                    if (a.Type is not null) b.Shadow(a.Column, AlterColumnShadow.ShadowName(a));
                    if (a.NewName is not null) b.Rename(a.Column, a.NewName);
                    break;
                case PgrollDropTable d when Touch(d.Name) is { } b:
                    b.Dropped = true;
                    break;
                case PgrollRenameTable r when Touch(r.From) is { } b:
                    b.NewViewName = r.To;
                    break;
                case IMigrationOperation { Table: { } t }:
                    Touch(t);
                    break;
            }
        }
        return [.. order.Select(t => tables[t]).Select(b => new TableVersions(b.Table, b.NewViewName, b.Table with { Name = b.NewViewName },
            b.Created ? [] : b.Old, b.Dropped ? [] : b.New))];
    }

    /// <summary>Columns the migration adds (add_column, a type change's shadow): not part of the old shape.</summary>
    private static HashSet<(QualifiedName, string)> CreatedColumns(MigrationSpec spec) =>
    [
        .. spec.Operations.OfType<PgrollAddColumn>().Select(a => (a.On, a.Column.Name)),
        .. spec.Operations.OfType<PgrollAlterColumn>().Where(a => a.Type is not null).Select(a => (a.On, AlterColumnShadow.ShadowName(a))),
    ];

    private sealed class Builder(QualifiedName table, List<string> old, List<ExposedColumn> exposed)
    {
        public QualifiedName Table { get; } = table;
        public List<string> Old { get; } = old;
        public List<ExposedColumn> New { get; } = exposed;
        public string NewViewName { get; set; } = table.Name;
        public bool Created { get; init; }
        public bool Dropped { get; set; }

        public void Rename(string from, string to)
        {
            var i = New.FindIndex(x => x.Name == from);
            if (i >= 0) New[i] = New[i] with { Name = to, After = to };
        }

        public void Shadow(string column, string shadow)
        {
            var i = New.FindIndex(x => x.Name == column);
            if (i >= 0) New[i] = New[i] with { During = shadow };
        }
    }
}
