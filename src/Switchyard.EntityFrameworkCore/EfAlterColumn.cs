using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations.AlterColumn;

namespace Switchyard.EntityFrameworkCore;

/// <summary>
/// EF's <c>AlterColumn</c> → pgroll's alter_column, keeping its invariants (data changes have <c>up</c>, a type change
/// has <c>down</c>). A type change runs on a shadow column: up casts the old column to EF's new store type, down casts
/// it back; NOT NULL is proven through up (coalesce with EF's constant default, else the column itself so validation
/// stops on a NULL); dropping NOT NULL, a default and a comment are catalog-only.
/// </summary>
internal static class EfAlterColumn
{
    public static PgrollAlterColumn? Translate(AlterColumnOperation alter, List<EfRefusal> refusals, List<string> notes)
    {
        var old = alter.OldColumn;
        var at = $"{alter.Table}.{alter.Name}";
        PgrollAlterColumn? Refuse(string why)
        {
            refusals.Add(new(nameof(AlterColumnOperation), $"{at}: {why}."));
            return null;
        }
        if (EfNames.Problem(alter.Table, alter.Name) is { } bad) return Refuse(bad);
        if (alter.ComputedColumnSql != old.ComputedColumnSql) return Refuse("a computed column change rewrites the table; it is not translated");
        if (alter.Collation != old.Collation) return Refuse("a collation change rebuilds the column's indexes; it is not translated");
        var typeChanged = !string.Equals(alter.ColumnType, old.ColumnType, StringComparison.OrdinalIgnoreCase);
        string? type = null, oldType = null;
        if (typeChanged)
        {
            type = EfStoreType.Checked(alter.ColumnType);
            oldType = EfStoreType.Checked(old.ColumnType);
            if (type is null || oldType is null)
                return Refuse($"the store types ('{old.ColumnType}' → '{alter.ColumnType}') are not plain type names, so no cast is built from them");
            if (IsGenerated(alter) || IsGenerated(old))
                return Refuse("an identity or serial column's type change would drop its sequence with the old column; it is not translated");
        }
        string? literal = null;
        if (alter.DefaultValue is { } value && (literal = EfDefaultLiteral.Render(value)) is null) return Refuse(EfDefaultLiteral.Why(value));
        var defaultSql = alter.DefaultValueSql ?? literal;
        // The shadow column replaces the old one in Contract: its default and comment must be set again even when unchanged.
        var hasDefault = typeChanged ? defaultSql is not null || old.DefaultValueSql is not null || old.DefaultValue is not null
            : alter.DefaultValueSql != old.DefaultValueSql || !Equals(alter.DefaultValue, old.DefaultValue);
        var hasComment = typeChanged ? alter.Comment is not null : alter.Comment != old.Comment;
        bool? nullable = alter.IsNullable != old.IsNullable ? alter.IsNullable : null;
        if (!typeChanged && nullable is null && !hasDefault && !hasComment)
        {
            notes.Add($"{at}: EF's AlterColumn changes nothing the database stores (model-only); nothing to run.");
            return null;
        }
        var column = Ident.Quote(alter.Name);
        var up = typeChanged ? $"{column}::{type}" : nullable == false ? column : null;
        if (nullable == false)
        {
            up = literal is null ? up : $"coalesce({up}, {literal})";
            notes.Add(literal is null
                ? $"{at}: NOT NULL without a constant EF default: existing NULLs are not filled, so validation stops on the first one."
                : $"{at}: NOT NULL: existing NULLs become EF's default {literal} (up = coalesce).");
        }
        var table = new QualifiedName(alter.Schema ?? "public", alter.Table);
        return new PgrollAlterColumn(table, alter.Name, null, type, nullable, hasDefault, defaultSql, hasComment, alter.Comment,
            null, null, null, up, typeChanged ? $"{column}::{oldType}" : null);
    }

    /// <summary>Npgsql marks identity and serial columns with a value-generation annotation.</summary>
    private static bool IsGenerated(ColumnOperation c) =>
        c.GetAnnotations().Any(a => a.Name.EndsWith("ValueGenerationStrategy", StringComparison.Ordinal) && a.Value?.ToString() is { } v && (v.Contains("Identity", StringComparison.Ordinal) || v.Contains("Serial", StringComparison.Ordinal)));
}
