using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations.NormalizeColumn;
using Ef = Microsoft.EntityFrameworkCore.Migrations.Operations;

namespace Switchyard.EntityFrameworkCore;

/// <summary>
/// The shape EF generates for "free-text column → lookup entity + foreign key": CreateTable of the lookup, InsertData of
/// its rows (HasData), AddColumn of the key, AddForeignKey to the lookup and DropColumn of the text column, on one
/// table. Switchyard runs it as normalize_column (dual-write trigger, backfill from the text, then Contract drops it).
/// </summary>
internal sealed record NormalizationShape(NormalizationTarget Target, Ef.AddColumnOperation KeyColumn, IReadOnlyList<MigrationOperation> Consumed)
{
    public static NormalizationShape? Find(IReadOnlyList<MigrationOperation> up, IReadOnlyModel? model, EfTranslationOptions options)
    {
        foreach (var fk in up.OfType<Ef.AddForeignKeyOperation>().Where(f => f.Columns.Length == 1 && f.PrincipalColumns?.Length == 1))
        {
            var lookup = up.OfType<CreateTableOperation>().FirstOrDefault(t => t.Name == fk.PrincipalTable && t.Schema == fk.PrincipalSchema);
            var rows = up.OfType<InsertDataOperation>().Where(i => i.Table == fk.PrincipalTable && i.Schema == fk.PrincipalSchema).ToList();
            var dropped = up.OfType<Ef.DropColumnOperation>().Where(d => d.Table == fk.Table && d.Schema == fk.Schema).ToList();
            var key = up.OfType<Ef.AddColumnOperation>().FirstOrDefault(a => a.Table == fk.Table && a.Schema == fk.Schema && a.Name == fk.Columns[0]);
            if (lookup is null || rows.Count == 0 || dropped.Count != 1 || key is null) continue;
            var idColumn = fk.PrincipalColumns![0];
            var codeColumn = lookup.Columns.Where(c => c.Name != idColumn && c.ClrType == typeof(string)).Select(c => c.Name).ToList();
            if (codeColumn.Count != 1) continue;
            var codes = Codes(rows, idColumn, codeColumn[0]);
            if (codes is null) continue;
            var table = new QualifiedName(fk.Schema ?? "public", fk.Table);
            var target = new NormalizationTarget(table, KeyColumnOf(model, fk.Table, fk.Schema), dropped[0].Name, key.Name,
                new QualifiedName(fk.PrincipalSchema ?? "public", fk.PrincipalTable!), idColumn, codeColumn[0],
                options.Trim, options.Lowercase, options.Aliases ?? new Dictionary<string, string>(), options.Unmapped ?? UnmappedPolicy.Fail, codes);
            // normalize_column creates the lookup with its code UNIQUE: EF's unique index on the code is that one.
            var codeIndex = up.OfType<Ef.CreateIndexOperation>().Where(i => i.Table == lookup.Name && i.Schema == lookup.Schema && i.IsUnique && i.Columns.SequenceEqual([codeColumn[0]]));
            return new NormalizationShape(target, key, [lookup, .. rows, dropped[0], key, .. codeIndex]);
        }
        return null;
    }

    /// <summary>The codes in id order when the ids are 1..n (normalize_column seeds id = position + 1); null otherwise.</summary>
    private static List<string>? Codes(List<InsertDataOperation> inserts, string idColumn, string codeColumn)
    {
        var rows = new List<(long Id, string Code)>();
        foreach (var insert in inserts)
        {
            var id = Array.IndexOf(insert.Columns, idColumn);
            var code = Array.IndexOf(insert.Columns, codeColumn);
            if (id < 0 || code < 0) return null;
            for (var r = 0; r < insert.Values.GetLength(0); r++)
                rows.Add((Convert.ToInt64(insert.Values[r, id], System.Globalization.CultureInfo.InvariantCulture), (string)insert.Values[r, code]!));
        }
        rows.Sort((a, b) => a.Id.CompareTo(b.Id));
        return rows.Select((row, i) => row.Id == i + 1).All(ok => ok) ? [.. rows.Select(r => r.Code)] : null;
    }

    /// <summary>The table's single-column primary key from EF's target model; "id" when the model does not say.</summary>
    private static string KeyColumnOf(IReadOnlyModel? model, string table, string? schema)
    {
        var entity = model?.GetEntityTypes().FirstOrDefault(e => e.GetTableName() == table && e.GetSchema() == schema);
        var key = entity?.FindPrimaryKey();
        if (entity is null || key is not { Properties.Count: 1 }) return "id";
        return key.Properties[0].GetColumnName(StoreObjectIdentifier.Table(table, schema)) ?? "id";
    }
}
