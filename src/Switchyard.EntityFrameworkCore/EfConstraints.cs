using Switchyard.Core.Operations.CreateConstraint;
using Switchyard.Core.Operations.Shared;
using Switchyard.Core.Spec;
using Ef = Microsoft.EntityFrameworkCore.Migrations.Operations;
using ReferentialAction = Microsoft.EntityFrameworkCore.Migrations.ReferentialAction;

namespace Switchyard.EntityFrameworkCore;

/// <summary>
/// EF's constraints → pgroll's create_constraint: CHECK and FOREIGN KEY NOT VALID then VALIDATE, UNIQUE and PRIMARY
/// KEY from a unique index built CONCURRENTLY. A foreign key keeps EF's ON DELETE / ON UPDATE as keywords.
/// </summary>
internal static class EfConstraints
{
    public static SpecOperation? Check(Ef.AddCheckConstraintOperation check, List<EfRefusal> refusals) =>
        !Valid(check, check.Table, check.Name, [], refusals) ? null : Create(check.Table, check.Schema, new(check.Name, "check", [], check.Sql, false, false, [], null, null, null));

    public static SpecOperation? Unique(Ef.AddUniqueConstraintOperation unique, List<EfRefusal> refusals) =>
        !Valid(unique, unique.Table, unique.Name, unique.Columns, refusals) ? null : Create(unique.Table, unique.Schema, new(unique.Name, "unique", unique.Columns, null, false, false, [], null, null, null));

    public static SpecOperation? PrimaryKey(Ef.AddPrimaryKeyOperation key, List<EfRefusal> refusals) =>
        !Valid(key, key.Table, key.Name, key.Columns, refusals) ? null : Create(key.Table, key.Schema, new(key.Name, "primary_key", key.Columns, null, false, false, [], null, null, null));

    /// <summary>A foreign key with EF's actions (composite keys too); null with a refusal when a name or the principal is missing.</summary>
    public static SpecOperation? ForeignKey(Ef.AddForeignKeyOperation fk, List<EfRefusal> refusals)
    {
        if (fk.PrincipalTable is null || fk.PrincipalColumns is not { Length: > 0 } principal || principal.Length != fk.Columns.Length)
        {
            refusals.Add(new(nameof(Ef.AddForeignKeyOperation), $"{fk.Name}: EF gives no principal table or columns matching the key's."));
            return null;
        }
        if (!Valid(fk, fk.Table, fk.Name, [.. fk.Columns, .. principal, fk.PrincipalTable], refusals)) return null;
        var references = new ReferenceSpec(fk.Name, EfNames.Table(fk.PrincipalTable, fk.PrincipalSchema), principal, Action(fk.OnDelete), Action(fk.OnUpdate), null, false, false);
        return Create(fk.Table, fk.Schema, new(fk.Name, "foreign_key", fk.Columns, null, false, false, [], null, references, null));
    }

    /// <summary>EF's action as one of the keywords <see cref="ReferenceSpec"/> accepts; NO ACTION is PostgreSQL's default and written as none.</summary>
    private static string? Action(ReferentialAction action) => action switch
    {
        ReferentialAction.Cascade => "CASCADE",
        ReferentialAction.Restrict => "RESTRICT",
        ReferentialAction.SetNull => "SET NULL",
        ReferentialAction.SetDefault => "SET DEFAULT",
        _ => null,
    };

    private static PgrollCreateConstraint Create(string table, string? schema, TableConstraintSpec constraint) =>
        new(EfNames.Table(table, schema), constraint, new Dictionary<string, string>(), new Dictionary<string, string>());

    /// <summary>True when every name is a valid identifier; else the refusal is recorded.</summary>
    private static bool Valid(Ef.MigrationOperation op, string table, string name, IEnumerable<string> names, List<EfRefusal> refusals)
    {
        if (EfNames.Problem([table, name, .. names]) is not { } bad) return true;
        refusals.Add(new(op.GetType().Name, $"{table}.{name}: {bad}"));
        return false;
    }
}
