namespace Switchyard.Core.Execution;

/// <summary>The one place identifiers become SQL: always double-quoted, embedded quotes doubled.</summary>
public static class Ident
{
    public static string Quote(string identifier)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        if (identifier.Contains('\0', StringComparison.Ordinal)) throw new ArgumentException("Identifier contains a NUL character.", nameof(identifier));
        return "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>A SQL string literal (standard_conforming_strings on), for the rare places a value cannot be a parameter (DDL).</summary>
    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}

/// <summary>A schema-qualified name such as a table; printed quoted.</summary>
public sealed record QualifiedName(string Schema, string Name)
{
    /// <summary>Reads <c>table</c> or <c>schema.table</c>; an unqualified name lives in <c>public</c>.</summary>
    public static QualifiedName Parse(string value, string defaultSchema = "public")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        var dot = value.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? new QualifiedName(defaultSchema, value) : new QualifiedName(value[..dot], value[(dot + 1)..]);
    }

    /// <summary>The quoted form for SQL text: <c>"schema"."name"</c>.</summary>
    public string Sql => Ident.Quote(Schema) + "." + Ident.Quote(Name);

    /// <summary>The text form accepted by <c>to_regclass</c> and friends.</summary>
    public string RegclassText => Sql;

    public override string ToString() => $"{Schema}.{Name}";
}
