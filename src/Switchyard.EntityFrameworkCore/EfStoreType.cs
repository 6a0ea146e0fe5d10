using System.Text.RegularExpressions;

namespace Switchyard.EntityFrameworkCore;

/// <summary>
/// EF's store type (<c>ColumnType</c>) before it becomes DDL or a cast: a type name and nothing else. pgroll's
/// <c>type</c> is author SQL; EF's comes from a model, so it is held to a type name's grammar instead — a name (maybe
/// schema-qualified or quoted), a known multi-word name, a (n[,m]) modifier, WITH/WITHOUT TIME ZONE, array brackets.
/// </summary>
internal static partial class EfStoreType
{
    /// <summary>The type text as is when it is a plain type name; null when it could carry anything else.</summary>
    public static string? Checked(string? type) => type is not null && TypeName().IsMatch(type) ? type : null;

    [GeneratedRegex("""
        ^(?:(?:[a-z_][a-z0-9_]*|"[^"\p{Cc}]+")\.)?
        (?:double\ precision|character\ varying|bit\ varying|[a-z_][a-z0-9_]*|"[^"\p{Cc}]+")
        (?:\(\d{1,4}(?:,\s?\d{1,4})?\))?
        (?:\ with(?:out)?\ time\ zone)?
        (?:\[\d{0,9}\])*$
        """, RegexOptions.IgnoreCase | RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant)]
    private static partial Regex TypeName();
}
