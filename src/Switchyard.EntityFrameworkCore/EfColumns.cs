using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Switchyard.Core.Operations.AddColumn;
using Switchyard.Core.Operations.Shared;
using Switchyard.Core.Spec;
using Ef = Microsoft.EntityFrameworkCore.Migrations.Operations;

namespace Switchyard.EntityFrameworkCore;

/// <summary>EF's columns (of CreateTable and AddColumn) as Switchyard columns; null with a refusal when one cannot be.</summary>
internal static class EfColumns
{
    /// <summary>
    /// A column Switchyard can add without a rewrite: a plain store type and no default, a constant one (see
    /// <see cref="EfDefaultLiteral"/>) or EF's <c>DefaultValueSql</c> (author SQL, as pgroll's <c>default</c>).
    /// </summary>
    public static ColumnDefinition? Definition(ColumnOperation c, List<EfRefusal> refusals)
    {
        ColumnDefinition? Refuse(string why)
        {
            refusals.Add(new(c.GetType().Name, $"{c.Table}.{c.Name}: {why}."));
            return null;
        }
        if (EfNames.Problem(c.Table, c.Name) is { } bad) return Refuse(bad);
        if (c.ComputedColumnSql is not null) return Refuse("a computed column is not translated yet");
        if (EfStoreType.Checked(c.ColumnType) is not { } type) return Refuse(c.ColumnType is null ? "no store type" : $"the store type '{c.ColumnType}' is not a plain type name");
        var defaultSql = c.DefaultValueSql;
        if (defaultSql is null && c.DefaultValue is { } value && (defaultSql = EfDefaultLiteral.Render(value)) is null) return Refuse(EfDefaultLiteral.Why(value));
        return new ColumnDefinition(c.Name, type, c.IsNullable, defaultSql);
    }

    /// <summary>
    /// AddColumn: with a constant default (or none) one catalog-only add_column; with <c>DefaultValueSql</c>, pgroll's
    /// add_column with up = that expression, so a volatile one (gen_random_uuid(), now()) never rewrites the table:
    /// the column is added bare, the default set for new rows, existing rows backfilled in batches, NOT NULL proven online.
    /// </summary>
    public static SpecOperation? Add(Ef.AddColumnOperation add, List<EfRefusal> refusals, List<string> notes)
    {
        if (Definition(add, refusals) is not { } column) return null;
        var table = EfNames.Table(add.Table, add.Schema);
        if (add.DefaultValueSql is not { } expression) return new Core.Operations.AddColumn.AddColumnOperation(table, column);
        notes.Add($"{add.Table}.{add.Name}: DEFAULT {expression} applies to new rows; existing rows are backfilled with it in batches (no rewrite).");
        return new PgrollAddColumn(table, new ColumnSpec(column.Name, column.Type, column.Nullable, false, false, expression, null, null, null, null), expression);
    }
}
