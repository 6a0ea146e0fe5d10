using System.Globalization;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Switchyard.Core.Execution;
using Switchyard.Core.Spec;
using Ef = Microsoft.EntityFrameworkCore.Migrations.Operations;
using Sy = Switchyard.Core.Spec;

namespace Switchyard.EntityFrameworkCore;

/// <summary>
/// Translates an EF migration's operations into Switchyard operations: CreateTable (+ its HasData rows) → create_table,
/// AddColumn → add_column, CreateIndex → create_index (CONCURRENTLY), AddForeignKey → add_foreign_key (NOT VALID, then
/// VALIDATE), a NOT NULL key column → set_not_null, DropColumn → drop_column in Contract, and the lookup shape →
/// normalize_column. Everything else is refused by name: it would lock or rewrite the table.
/// </summary>
public static class EfMigrationTranslator
{
    public static EfPlan Translate(EfMigration migration, EfTranslationOptions? options = null)
    {
        options ??= EfTranslationOptions.Exact;
        var ops = new List<SpecOperation>();
        var refusals = new List<EfRefusal>();
        var notes = new List<string>();
        var shape = NormalizationShape.Find(migration.Up, migration.TargetModel, options);
        var consumed = shape?.Consumed.ToHashSet() ?? [];
        var contract = new List<SpecOperation>();
        var notNull = new List<SpecOperation>();
        if (shape is not null)
        {
            var t = shape.Target;
            ops.Add(new NormalizeColumnOperation(t));
            notes.Add($"{t.Table}.{t.SourceColumn} → {t.LookupTable} + {t.TargetColumn}: EF's lookup shape runs as normalize_column (dual-write trigger, backfill, Contract drops {t.SourceColumn}); " +
                      $"legacy values {(t.Trim || t.Lowercase ? $"are {(t.Trim ? "trimmed" : "")}{(t.Trim && t.Lowercase ? " and " : "")}{(t.Lowercase ? "lower-cased" : "")}" : "must equal a code exactly")}, {t.Aliases.Count} alias(es), unmapped: {t.Unmapped}.");
            if (!shape.KeyColumn.IsNullable) notNull.Add(new SetNotNullOperation(t.Table, t.TargetColumn));
            contract.Add(new Sy.DropColumnOperation(t.Table, t.SourceColumn, null));
        }
        foreach (var op in migration.Up.Where(o => !consumed.Contains(o)))
        {
            switch (op)
            {
                case Ef.CreateTableOperation create:
                    Translate(create, migration.Up, ops, refusals);
                    break;
                case InsertDataOperation insert when migration.Up.OfType<Ef.CreateTableOperation>().Any(c => c.Name == insert.Table && c.Schema == insert.Schema):
                    break; // seeded by its create_table
                case Ef.AddColumnOperation add:
                    if (Column(add, refusals) is { } column) ops.Add(new Sy.AddColumnOperation(Table(add.Table, add.Schema), column));
                    break;
                case Ef.CreateIndexOperation index when index.Filter is not null:
                    refusals.Add(new(nameof(Ef.CreateIndexOperation), $"{index.Name} is partial (WHERE {index.Filter}); create_index has no filter yet."));
                    break;
                case Ef.CreateIndexOperation index:
                    ops.Add(new Sy.CreateIndexOperation(Table(index.Table, index.Schema), index.Name, index.Columns, index.IsUnique));
                    break;
                case Ef.AddForeignKeyOperation fk when fk.Columns.Length == 1 && fk.PrincipalColumns?.Length == 1:
                    ops.Add(new Sy.AddForeignKeyOperation(Table(fk.Table, fk.Schema), fk.Columns[0], Table(fk.PrincipalTable!, fk.PrincipalSchema), fk.PrincipalColumns[0], fk.Name));
                    if (fk.OnDelete is not (Microsoft.EntityFrameworkCore.Migrations.ReferentialAction.NoAction or Microsoft.EntityFrameworkCore.Migrations.ReferentialAction.Restrict))
                        notes.Add($"{fk.Name}: EF asked ON DELETE {fk.OnDelete}; add_foreign_key creates it with the default NO ACTION.");
                    break;
                case Ef.DropColumnOperation drop:
                    contract.Add(new Sy.DropColumnOperation(Table(drop.Table, drop.Schema), drop.Name, null));
                    break;
                default:
                    refusals.Add(new(op.GetType().Name, Reason(op)));
                    break;
            }
        }
        return new EfPlan(migration, [.. ops, .. notNull, .. contract], refusals, notes);
    }

    private static void Translate(Ef.CreateTableOperation create, IReadOnlyList<MigrationOperation> up, List<SpecOperation> ops, List<EfRefusal> refusals)
    {
        var key = create.PrimaryKey?.Columns ?? [];
        var columns = new List<ColumnDefinition>();
        foreach (var c in create.Columns)
        {
            if (Column(c, refusals) is not { } column) return;
            columns.Add(column with { PrimaryKey = key.Length == 1 && key[0] == c.Name });
        }
        if (key.Length > 1 || create.ForeignKeys.Count > 0 || create.UniqueConstraints.Count > 0 || create.CheckConstraints.Count > 0)
        {
            refusals.Add(new(nameof(Ef.CreateTableOperation), $"{create.Name}: composite keys and inline constraints are not translated yet; add them as separate operations."));
            return;
        }
        var seed = new List<IReadOnlyDictionary<string, string?>>();
        foreach (var insert in up.OfType<InsertDataOperation>().Where(i => i.Table == create.Name && i.Schema == create.Schema))
        {
            for (var r = 0; r < insert.Values.GetLength(0); r++)
                seed.Add(insert.Columns.Select((c, i) => (c, Value: insert.Values[r, i])).ToDictionary(x => x.c, x => x.Value is null ? null : Convert.ToString(x.Value, CultureInfo.InvariantCulture)));
        }
        ops.Add(new Sy.CreateTableOperation(Table(create.Name, create.Schema), columns, seed));
    }

    /// <summary>A column Switchyard can add without a rewrite: a type, and no default or a constant one.</summary>
    private static ColumnDefinition? Column(ColumnOperation c, List<EfRefusal> refusals)
    {
        if (c.ColumnType is null || c.ComputedColumnSql is not null || c.DefaultValueSql is not null)
        {
            refusals.Add(new(c.GetType().Name, $"{c.Table}.{c.Name}: {(c.ComputedColumnSql is not null ? "a computed column" : c.DefaultValueSql is not null ? "a default that is an SQL expression" : "no store type")} is not translated yet."));
            return null;
        }
        string? literal = null;
        if (c.DefaultValue is { } value)
        {
            literal = value switch
            {
                bool b => b ? "true" : "false",
                sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal => Convert.ToString(value, CultureInfo.InvariantCulture),
                _ => null,
            };
            if (literal is null)
            {
                refusals.Add(new(c.GetType().Name, $"{c.Table}.{c.Name}: a {value.GetType().Name} default is not translated yet (numbers and booleans are)."));
                return null;
            }
        }
        return new ColumnDefinition(c.Name, c.ColumnType, c.IsNullable, literal);
    }

    private static QualifiedName Table(string name, string? schema) => new(schema ?? "public", name);

    private static string Reason(MigrationOperation op) => op switch
    {
        AlterColumnOperation => "a type or nullability change rewrites or scans the table under ACCESS EXCLUSIVE; the online type change is another operation (not here yet).",
        RenameColumnOperation or RenameTableOperation or RenameIndexOperation => "a rename breaks the running app's queries; online renames (versioned schemas) are not here yet.",
        SqlOperation => "raw SQL needs its lock declared; write it as a raw_sql operation in a Switchyard spec.",
        DropTableOperation => "drop_table is not a Switchyard operation yet.",
        _ => "no online translation for this operation yet.",
    };
}
