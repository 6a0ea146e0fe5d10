using Switchyard.Core.Catalog;
using Switchyard.Core.Execution;
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
/// Works out each touched table's old and new shape from the operations, in order: each operation unit shapes its
/// table (<see cref="IMigrationOperation.ShapeVersions"/>): a renamed column shows under its new name, a type-changed
/// column shows its shadow under the column's (new) name, an added column shows in the new shape only, a dropped column
/// in the old only. Columns the migration itself adds are left out of the old shape even when a resumed run already
/// sees them in the catalog.
/// </summary>
public static class VersionSchemaShape
{
    public static IReadOnlyList<TableVersions> Of(MigrationSpec spec, IReadOnlyDictionary<QualifiedName, IReadOnlyList<CatalogColumn>> live)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(live);
        var units = spec.Operations.OfType<IMigrationOperation>().ToList();
        var added = units.SelectMany(o => o.AddsColumns).Where(c => c.Column is not null).Select(c => (c.Table, c.Column!)).ToHashSet();
        var tables = new VersionedTables(live, added);
        foreach (var unit in units) unit.ShapeVersions(tables);
        var shapes = tables.InOrder.Select(b => new TableVersions(b.Table, b.NewViewName, b.Table with { Name = b.NewViewName }, b.Old, b.Dropped ? [] : b.New)).ToList();
        RefuseSharedViewNames(spec, "previous", shapes.Where(t => t.Old.Count > 0).Select(t => (t.Physical.Name, t.Physical)));
        RefuseSharedViewNames(spec, "new", shapes.Where(t => t.New.Count > 0).Select(t => (t.NewViewName, t.Physical)));
        return shapes;
    }

    /// <summary>A version schema holds one view per name: two tables (of different schemas) showing under one name would overwrite each other's view.</summary>
    private static void RefuseSharedViewNames(MigrationSpec spec, string version, IEnumerable<(string View, QualifiedName Table)> views)
    {
        if (views.GroupBy(v => v.View).FirstOrDefault(g => g.Count() > 1) is not { } clash) return;
        var where = spec.Operations.FirstOrDefault(o => o.WorksOn is { } t && clash.Skip(1).Any(c => c.Table == t))?.Location ?? spec.NameLocation;
        throw new SpecException(where, $"tables {string.Join(" and ", clash.Select(c => c.Table))} would both show as view {clash.Key} in the {version} version's schema, which holds one view per name.",
            "Change these tables in separate migrations (one version schema each).");
    }
}
