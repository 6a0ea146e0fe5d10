using Switchyard.Core.Execution;

namespace Switchyard.Core.Operations.Shared;

/// <summary>
/// A column as pgroll writes it. <see cref="Type"/>, <see cref="Default"/> and a check's expression are SQL the
/// migration author writes (the same trust as raw_sql); names are identifiers, the comment is a value (bound).
/// pgroll's columns are NOT NULL unless <c>nullable: true</c>.
/// </summary>
public sealed record ColumnSpec(string Name, string Type, bool Nullable, bool PrimaryKey, bool Unique, string? Default, string? Comment,
    CheckSpec? Check, ReferenceSpec? References, GeneratedSpec? Generated)
{
    public static readonly string[] Fields = ["name", "type", "nullable", "pk", "unique", "default", "comment", "check", "references", "generated"];

    public static ColumnSpec Parse(OperationFields f) => new(
        f.Identifier("name"), f.Text("type"), f.Bool("nullable", false), f.Bool("pk", false), f.Bool("unique", false),
        f.OptionalText("default"), f.OptionalText("comment"),
        CheckSpec.ParseOptional(f, "check"), ReferenceSpec.ParseColumn(f.OptionalMap("references", ReferenceSpec.ColumnFields)),
        GeneratedSpec.Parse(f.OptionalMap("generated", "expression", "identity")));

    /// <summary>The column's definition inside CREATE TABLE (its primary key is a table constraint, so composite keys work).</summary>
    public string Definition(QualifiedName table)
    {
        var sql = $"{Ident.Quote(Name)} {Type}";
        if (Generated is not null) sql += " " + Generated.Sql;
        if (Default is not null) sql += " DEFAULT " + Default;
        if (!Nullable && !PrimaryKey) sql += " NOT NULL";
        if (Unique) sql += " UNIQUE";
        if (Check is not null) sql += " " + Check.ConstraintSql(validated: true);
        if (References is not null) sql += $" CONSTRAINT {Ident.Quote(References.Name ?? Ident.Fit($"{table.Name}_{Name}_fkey", table.ToString()))} {References.Sql}";
        return sql;
    }
}

/// <summary>A named CHECK; the expression is author SQL.</summary>
public sealed record CheckSpec(string Name, string Expression, bool NoInherit)
{
    public static CheckSpec? ParseOptional(OperationFields f, string key) =>
        f.OptionalMap(key, "name", "constraint", "no_inherit") is { } c ? new(c.Identifier("name"), c.Text("constraint"), c.Bool("no_inherit", false)) : null;

    public string ConstraintSql(bool validated) =>
        $"CONSTRAINT {Ident.Quote(Name)} CHECK ({Expression}){(NoInherit ? " NO INHERIT" : "")}{(validated ? "" : " NOT VALID")}";
}

/// <summary>GENERATED ... AS IDENTITY or a stored generated expression.</summary>
public sealed record GeneratedSpec(string Sql)
{
    public static GeneratedSpec? Parse(OperationFields? f)
    {
        if (f is null) return null;
        if (f.OptionalText("expression") is { } expression)
            return new($"GENERATED ALWAYS AS ({expression}) STORED");
        var identity = f.Map("identity", "user_specified_values", "sequence_options");
        var when = identity.Keyword("user_specified_values", "ALWAYS", "BY DEFAULT") ?? "ALWAYS";
        var options = identity.OptionalText("sequence_options");
        return new($"GENERATED {when} AS IDENTITY{(options is null ? "" : $" ({options})")}");
    }
}
