using Switchyard.Core.Catalog;
using Switchyard.Core.Execution;

namespace Switchyard.Core.Operations.VersionSchemas;

/// <summary>
/// The tables a migration touches as each version sees them, built up as each operation shapes them in order (see
/// <see cref="IMigrationOperation.ShapeVersions"/>). A table enters on first touch with its live columns as both shapes,
/// less the columns the migration itself adds (a resumed run already sees those in the catalog).
/// </summary>
public sealed class VersionedTables(IReadOnlyDictionary<QualifiedName, IReadOnlyList<CatalogColumn>> live, IReadOnlySet<(QualifiedName, string)> added)
{
    private readonly Dictionary<QualifiedName, VersionedTable> _tables = [];
    private readonly List<QualifiedName> _order = [];

    /// <summary>The touched tables in the order they were first touched.</summary>
    public IEnumerable<VersionedTable> InOrder => _order.Select(t => _tables[t]);

    /// <summary>The table as the versions see it so far; null when it neither exists nor was created by an earlier operation.</summary>
    public VersionedTable? Touch(QualifiedName table)
    {
        if (_tables.TryGetValue(table, out var known)) return known;
        if (!live.TryGetValue(table, out var columns) || columns.Count == 0) return null;
        var old = columns.Select(c => c.Name).Where(n => !added.Contains((table, n))).ToList();
        return Add(new VersionedTable(table, old, created: false));
    }

    /// <summary>A table the migration creates: the old version has no view of it.</summary>
    public void Create(QualifiedName table, IEnumerable<string> columns)
    {
        if (!_tables.ContainsKey(table)) Add(new VersionedTable(table, [.. columns], created: true));
    }

    private VersionedTable Add(VersionedTable table)
    {
        _tables[table.Table] = table;
        _order.Add(table.Table);
        return table;
    }
}

/// <summary>One table's old shape (its physical columns before the migration) and the new version's columns, as the operations leave them.</summary>
public sealed class VersionedTable
{
    internal VersionedTable(QualifiedName table, List<string> columns, bool created)
    {
        Table = table;
        Old = created ? [] : columns;
        _new = [.. columns.Select(n => new ExposedColumn(n, n, n))];
        NewViewName = table.Name;
    }

    public QualifiedName Table { get; }
    public IReadOnlyList<string> Old { get; }
    private readonly List<ExposedColumn> _new;

    public IReadOnlyList<ExposedColumn> New => _new;
    public string NewViewName { get; private set; }
    public bool Dropped { get; private set; }

    public void AddColumn(string column) => _new.Add(new ExposedColumn(column, column, column));

    public void DropColumn(string column) => _new.RemoveAll(x => x.Name == column);

    public void RenameColumn(string from, string to)
    {
        var i = _new.FindIndex(x => x.Name == from);
        if (i >= 0) _new[i] = _new[i] with { Name = to, After = to };
    }

    /// <summary>During the migration the column's new-version value lives in <paramref name="shadow"/>; after Contract under its own name.</summary>
    public void ShadowColumn(string column, string shadow)
    {
        var i = _new.FindIndex(x => x.Name == column);
        if (i >= 0) _new[i] = _new[i] with { During = shadow };
    }

    public void ShowAs(string newName) => NewViewName = newName;

    public void Drop() => Dropped = true;
}
