using System.Globalization;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations.NormalizeColumn;
using Switchyard.Core.Operations.SetNotNull;
using Switchyard.Core.Spec;
using Ef = Microsoft.EntityFrameworkCore.Migrations.Operations;
using ReferentialAction = Microsoft.EntityFrameworkCore.Migrations.ReferentialAction;
using Sy = Switchyard.Core.Spec;

namespace Switchyard.EntityFrameworkCore;

/// <summary>
/// Translates an EF migration's operations into Switchyard operations, each online:
/// CreateTable (+ its HasData rows) → create_table; AddColumn → add_column (a DefaultValueSql one backfills through up);
/// CreateIndex → create_index (CONCURRENTLY); AddForeignKey → add_foreign_key, or create_constraint foreign_key when EF
/// asks an ON DELETE / ON UPDATE action or a composite key; AddCheckConstraint / AddUniqueConstraint / AddPrimaryKey →
/// create_constraint (NOT VALID then VALIDATE, or a CONCURRENTLY built index); AlterColumn → alter_column (type change
/// on a shadow column, NOT NULL through up, default and nullable catalog-only, see <see cref="EfAlterColumn"/>);
/// Sql → sql (lock undeclared, noted); RenameColumn / RenameTable / DropTable / DropIndex / DropForeignKey /
/// DropCheckConstraint / DropUniqueConstraint / DropPrimaryKey / DropColumn → their operations in Contract; the lookup
/// shape → normalize_column. Everything else (RenameIndex, sequences, text defaults…) is refused by name with why.
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
            contract.Add(new Core.Operations.DropColumn.DropColumnOperation(t.Table, t.SourceColumn, null));
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
                    if (EfColumns.Add(add, refusals, notes) is { } column) ops.Add(column);
                    break;
                case Ef.CreateIndexOperation index when index.Filter is not null:
                    refusals.Add(new(nameof(Ef.CreateIndexOperation), $"{index.Name} is partial (WHERE {index.Filter}); create_index has no filter yet."));
                    break;
                case Ef.CreateIndexOperation index:
                    ops.Add(new Core.Operations.CreateIndex.CreateIndexOperation(Table(index.Table, index.Schema), index.Name, index.Columns, index.IsUnique));
                    break;
                case Ef.AddForeignKeyOperation fk when IsLookupKey(fk, shape) || (fk.Columns.Length == 1 && fk.PrincipalColumns?.Length == 1 && fk.OnDelete == ReferentialAction.NoAction && fk.OnUpdate == ReferentialAction.NoAction):
                    // The lookup shape's key and plain keys stay add_foreign_key (it also knows partitioned tables).
                    ops.Add(new Core.Operations.AddForeignKey.AddForeignKeyOperation(Table(fk.Table, fk.Schema), fk.Columns[0], Table(fk.PrincipalTable!, fk.PrincipalSchema), fk.PrincipalColumns![0], fk.Name));
                    if (fk.OnDelete is not (ReferentialAction.NoAction or ReferentialAction.Restrict))
                        notes.Add($"{fk.Name}: EF asked ON DELETE {fk.OnDelete}; add_foreign_key creates it with the default NO ACTION.");
                    break;
                case Ef.AddForeignKeyOperation fk:
                    if (EfConstraints.ForeignKey(fk, refusals) is { } fkOp) ops.Add(fkOp);
                    break;
                case AddCheckConstraintOperation check:
                    if (EfConstraints.Check(check, refusals) is { } checkOp) ops.Add(checkOp);
                    break;
                case AddUniqueConstraintOperation unique:
                    if (EfConstraints.Unique(unique, refusals) is { } uniqueOp) ops.Add(uniqueOp);
                    break;
                case AddPrimaryKeyOperation primaryKey:
                    if (EfConstraints.PrimaryKey(primaryKey, refusals) is { } keyOp) ops.Add(keyOp);
                    break;
                case AlterColumnOperation alter:
                    if (EfAlterColumn.Translate(alter, refusals, notes) is { } alterOp) ops.Add(alterOp);
                    break;
                case SqlOperation:
                    if (EfStructure.Translate(op, refusals, notes) is { } sqlOp) ops.Add(sqlOp);
                    break;
                case RenameColumnOperation or RenameTableOperation or DropTableOperation or DropIndexOperation
                    or DropForeignKeyOperation or DropCheckConstraintOperation or DropUniqueConstraintOperation or DropPrimaryKeyOperation:
                    if (EfStructure.Translate(op, refusals, notes) is { } contractOp) contract.Add(contractOp);
                    break;
                case Ef.DropColumnOperation drop:
                    contract.Add(new Core.Operations.DropColumn.DropColumnOperation(Table(drop.Table, drop.Schema), drop.Name, null));
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
            if (EfColumns.Definition(c, refusals) is not { } column) return;
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
        ops.Add(new Core.Operations.CreateTable.CreateTableOperation(Table(create.Name, create.Schema), columns, seed));
    }

    /// <summary>The foreign key EF generates for the lookup shape: kept exactly as the flagship translation has it.</summary>
    private static bool IsLookupKey(Ef.AddForeignKeyOperation fk, NormalizationShape? shape) =>
        shape?.Target is { } t && fk.Columns.Length == 1 && fk.PrincipalColumns?.Length == 1 && Table(fk.Table, fk.Schema) == t.Table
        && fk.Columns[0] == t.TargetColumn && fk.PrincipalTable is not null && Table(fk.PrincipalTable, fk.PrincipalSchema) == t.LookupTable;

    private static QualifiedName Table(string name, string? schema) => new(schema ?? "public", name);

    private static string Reason(MigrationOperation op) => op switch
    {
        RenameIndexOperation => "Switchyard has no rename_index operation; write ALTER INDEX … RENAME TO … as a spec's raw_sql (catalog-only, brief lock).",
        AlterSequenceOperation or CreateSequenceOperation or RestartSequenceOperation or DropSequenceOperation or RenameSequenceOperation => "sequences are not Switchyard operations yet; write them as a spec's raw_sql.",
        _ => "no online translation for this operation yet.",
    };
}
