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

    /// <summary>
    /// A SQL string literal for the rare places a value cannot be a parameter, read the same under any
    /// <c>standard_conforming_strings</c>: a value with a backslash becomes an <c>E''</c> literal with it doubled
    /// (a plain literal with no backslash means the same either way). NUL, which no text value holds, is refused.
    /// </summary>
    public static string Literal(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains('\0', StringComparison.Ordinal)) throw new ArgumentException("A SQL literal cannot hold a NUL character.", nameof(value));
        var quoted = value.Replace("'", "''", StringComparison.Ordinal);
        return value.Contains('\\', StringComparison.Ordinal) ? "E'" + quoted.Replace("\\", "\\\\", StringComparison.Ordinal) + "'" : "'" + quoted + "'";
    }

    /// <summary>The longest identifier PostgreSQL keeps (NAMEDATALEN − 1 bytes); a longer one is silently truncated.</summary>
    public const int MaxBytes = 63;

    /// <summary>
    /// A name Switchyard derives (a trigger, a function, an alias table) that fits <see cref="MaxBytes"/>: as is when
    /// it fits, else cut on a character boundary and suffixed with a hash of <paramref name="identity"/>, so two
    /// long names never collide the way PostgreSQL's silent truncation would make them.
    /// </summary>
    public static string Fit(string name, string identity)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(name) <= MaxBytes) return name;
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(identity + "\n" + name)))[..10];
        var keep = new System.Text.StringBuilder();
        foreach (var rune in name.EnumerateRunes())
        {
            if (System.Text.Encoding.UTF8.GetByteCount(keep.ToString()) + rune.Utf8SequenceLength > MaxBytes - hash.Length - 1) break;
            keep.Append(rune.ToString());
        }
        return keep + "_" + hash;
    }

    /// <summary>
    /// A dollar-quote tag that does not occur in <paramref name="body"/>, so the body cannot end the quote early:
    /// <c>$switchyard$</c>, else <c>$switchyard_1$</c>, <c>$switchyard_2$</c>, …
    /// </summary>
    public static string DollarTag(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var tag = "$switchyard$";
        for (var n = 1; body.Contains(tag, StringComparison.Ordinal); n++) tag = $"$switchyard_{n}$";
        return tag;
    }
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
