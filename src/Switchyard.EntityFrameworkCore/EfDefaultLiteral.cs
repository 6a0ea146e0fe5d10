using System.Globalization;

namespace Switchyard.EntityFrameworkCore;

/// <summary>
/// EF's constant <c>DefaultValue</c> as a SQL literal, only for values whose text .NET formats from the type itself
/// (digits, true/false, a Guid's hex, an ISO timestamp): no quote or other SQL can get in. Text is not among them:
/// a DEFAULT cannot be a bind parameter, so a string would be pasted into the DDL; it is refused instead.
/// </summary>
internal static class EfDefaultLiteral
{
    public static string? Render(object value) => value switch
    {
        bool b => b ? "true" : "false",
        float f when !float.IsFinite(f) => null,
        double d when !double.IsFinite(d) => null,
        sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal => Convert.ToString(value, CultureInfo.InvariantCulture),
        Guid g => $"'{g.ToString("D", CultureInfo.InvariantCulture)}'",
        DateTime t => $"'{t.ToString("yyyy'-'MM'-'dd HH':'mm':'ss.ffffff", CultureInfo.InvariantCulture)}{(t.Kind == DateTimeKind.Utc ? "+00" : "")}'",
        DateTimeOffset o => $"'{o.ToString("yyyy'-'MM'-'dd HH':'mm':'ss.ffffffzzz", CultureInfo.InvariantCulture)}'",
        DateOnly d => $"'{d.ToString("yyyy'-'MM'-'dd", CultureInfo.InvariantCulture)}'",
        _ => null,
    };

    /// <summary>Why <paramref name="value"/> has no literal, for a refusal.</summary>
    public static string Why(object value) => value is string
        ? "a text default would be pasted into the DDL (a DEFAULT cannot be a bind parameter), so it is not translated; set it with a raw_sql operation you review"
        : $"a {value.GetType().Name} default is not translated (numbers, booleans, Guid and date/time constants are)";
}
