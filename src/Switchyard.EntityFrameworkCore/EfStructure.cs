using Switchyard.Core.Operations.DropConstraint;
using Switchyard.Core.Operations.DropIndex;
using Switchyard.Core.Operations.DropTable;
using Switchyard.Core.Operations.RenameColumn;
using Switchyard.Core.Operations.RenameTable;
using Switchyard.Core.Operations.Sql;
using Switchyard.Core.Spec;
using Ef = Microsoft.EntityFrameworkCore.Migrations.Operations;

namespace Switchyard.EntityFrameworkCore;

/// <summary>
/// EF's renames, drops and raw SQL → pgroll's catalog-only operations, which run in Contract (after app v1 is gone),
/// and its sql operation. Null means refused (the refusal is recorded).
/// </summary>
internal static class EfStructure
{
    public static SpecOperation? Translate(Ef.MigrationOperation op, List<EfRefusal> refusals, List<string> notes)
    {
        SpecOperation? Checked(SpecOperation result, params string?[] names)
        {
            if (EfNames.Problem(names) is not { } bad) return result;
            refusals.Add(new(op.GetType().Name, bad));
            return null;
        }
        SpecOperation? DropConstraint(string table, string? schema, string name) =>
            Checked(new PgrollDropConstraint("drop_constraint", EfNames.Table(table, schema), name, new Dictionary<string, string>(), new Dictionary<string, string>()), table, name);
        switch (op)
        {
            case Ef.RenameColumnOperation r:
                return Checked(new PgrollRenameColumn(EfNames.Table(r.Table, r.Schema), r.Name, r.NewName), r.Table, r.Name, r.NewName);
            case Ef.RenameTableOperation r when r.NewName is null || (r.NewSchema is not null && r.NewSchema != r.Schema):
                refusals.Add(new(nameof(Ef.RenameTableOperation), $"{r.Name}: moving it to schema {r.NewSchema} is not a rename_table; write ALTER TABLE … SET SCHEMA as a spec's raw_sql."));
                return null;
            case Ef.RenameTableOperation { NewName: { } to } r:
                return Checked(new PgrollRenameTable(EfNames.Table(r.Name, r.Schema), to), r.Name, to);
            case Ef.DropTableOperation d:
                return Checked(new PgrollDropTable(EfNames.Table(d.Name, d.Schema)), d.Name);
            case Ef.DropIndexOperation d:
                return Checked(new DropIndexOperation(EfNames.Table(d.Name, d.Schema)), d.Name);
            case Ef.DropForeignKeyOperation d:
                return DropConstraint(d.Table, d.Schema, d.Name);
            case Ef.DropCheckConstraintOperation d:
                return DropConstraint(d.Table, d.Schema, d.Name);
            case Ef.DropUniqueConstraintOperation d:
                return DropConstraint(d.Table, d.Schema, d.Name);
            case Ef.DropPrimaryKeyOperation d:
                return DropConstraint(d.Table, d.Schema, d.Name);
            case Ef.SqlOperation sql:
                notes.Add("Sql: EF's raw SQL runs as a sql operation in Expand with no lock declared (Switchyard cannot know what it takes) and no down: rollback does not undo it. Review it, or write it as a raw_sql operation with its lock.");
                return new PgrollSql(sql.Sql, null, false);
            default:
                throw new ArgumentOutOfRangeException(nameof(op), op.GetType().Name, "not a rename, drop or sql operation");
        }
    }
}
