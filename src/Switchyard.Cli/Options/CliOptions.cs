using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;
using Switchyard.Core.Guards.Slo;

namespace Switchyard.Cli.Options;

/// <summary>
/// The one way a command declares a typed option: the value is parsed and range-checked by the parser itself, so a bad
/// value is one line naming the option, the value and an example (exit 2), never a conversion exception with a .NET
/// type name. Enum values are lowercase in help and errors and parse case-insensitively.
/// </summary>
internal static class CliOptions
{
    /// <summary>A number between <paramref name="min"/> and <paramref name="max"/>, <paramref name="defaultValue"/> when left out.</summary>
    public static Option<T> Number<T>(string name, string description, T defaultValue, T min, T max, string example)
        where T : struct, INumber<T>, IMinMaxValue<T> => new(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r => ParseNumber(r, name, min, max, example) ?? defaultValue,
        };

    /// <summary>A number between <paramref name="min"/> and <paramref name="max"/>, null when left out.</summary>
    public static Option<T?> OptionalNumber<T>(string name, string description, T min, T max, string example)
        where T : struct, INumber<T>, IMinMaxValue<T> => new(name)
        {
            Description = description,
            CustomParser = r => ParseNumber(r, name, min, max, example),
        };

    /// <summary>One of the enum's values, written lowercase on the command line.</summary>
    public static Option<T> Enum<T>(string name, string description, T defaultValue) where T : struct, Enum
    {
        var option = new Option<T>(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r => ParseEnum<T>(r, name) ?? defaultValue,
            HelpName = string.Join('|', EnumNames<T>()),
        };
        Lowercase(option);
        return option;
    }

    /// <summary>One of the enum's values, written lowercase on the command line; null when left out.</summary>
    public static Option<T?> OptionalEnum<T>(string name, string description) where T : struct, Enum
    {
        var option = new Option<T?>(name)
        {
            Description = description,
            CustomParser = r => ParseEnum<T>(r, name),
            HelpName = string.Join('|', EnumNames<T>()),
        };
        Lowercase(option);
        return option;
    }

    /// <summary>One of a fixed set of words; <paramref name="defaultValue"/> null: no default (mark it Required or read null).</summary>
    public static Option<string> Choice(string name, string description, string? defaultValue, params string[] values)
    {
        var option = new Option<string>(name)
        {
            Description = description,
            CustomParser = r => ParseChoice(r, name, values) ?? defaultValue,
            HelpName = string.Join('|', values),
        };
        if (defaultValue is not null) option.DefaultValueFactory = _ => defaultValue;
        Lowercase(option);
        return option;
    }

    /// <summary>A comma-separated list of words from <paramref name="values"/>, null when left out.</summary>
    public static Option<string?> ListOf(string name, string description, IReadOnlyList<string> values) => new(name)
    {
        Description = description,
        HelpName = "a,b",
        CustomParser = r =>
        {
            var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            var unknown = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(w => !values.Contains(w)).ToList();
            if (unknown.Count > 0 || string.IsNullOrWhiteSpace(text))
                r.AddError($"{name} must be a comma-separated list of {string.Join(", ", values)}; {(unknown.Count > 0 ? $"'{unknown[0]}' is not one" : "it is empty")} (got '{text}').");
            return text;
        },
    };

    /// <summary>The backfill's foreground-latency SLO: "1.5x" (of the baseline p99), "25ms", or "off".</summary>
    public static Option<LatencySloTarget> LatencySlo(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "1.5x|25ms|off",
        DefaultValueFactory = _ => LatencySloTarget.Default,
        CustomParser = r =>
        {
            var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            if (LatencySloTarget.TryParse(text, out var target, out var error)) return target!;
            r.AddError($"{name}: {error}. Pass e.g. {name} 1.5x, {name} 25ms or {name} off.");
            return LatencySloTarget.Default;
        },
    };

    /// <summary>An absolute http:// or https:// URL, null when left out.</summary>
    public static Option<Uri?> HttpUrl(string name, string description, string example) => new(name)
    {
        Description = description,
        HelpName = "url",
        CustomParser = r =>
        {
            var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            if (Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps) && url.Host.Length > 0)
                return url;
            r.AddError($"{name} must be an absolute http:// or https:// URL, got '{text}'. Pass e.g. {name} {example}.");
            return null;
        },
    };

    /// <summary>
    /// <c>--spec FILE</c>: a migration spec, null when left out (the command then asks the journal). Free text: the spec
    /// loader reports a missing or bad file as one line with file:line:col.
    /// </summary>
    public static Option<string?> SpecFile(string description) => new("--spec") { Description = description, HelpName = "file" };

    /// <summary>The lowercase name of an enum value, as the command line writes it.</summary>
    public static string EnumName<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    /// <summary>Every value of the enum, lowercase, in declaration order.</summary>
    public static IReadOnlyList<string> EnumNames<T>() where T : struct, Enum => [.. System.Enum.GetValues<T>().Select(EnumName)];

    // Completion offers the lowercase names the parser takes.
    private static void Lowercase(Option option)
    {
        option.CompletionSources.Clear();
        option.CompletionSources.Add([.. option.HelpName!.Split('|')]);
    }

    private static T? ParseNumber<T>(ArgumentResult r, string name, T min, T max, string example) where T : struct, INumber<T>, IMinMaxValue<T>
    {
        var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
        var integral = typeof(T) != typeof(double) && typeof(T) != typeof(float) && typeof(T) != typeof(decimal);
        var range = max == T.MaxValue ? min == T.Zero ? "zero or more" : $"at least {min.ToString(null, CultureInfo.InvariantCulture)}"
            : $"between {min.ToString(null, CultureInfo.InvariantCulture)} and {max.ToString(null, CultureInfo.InvariantCulture)}";
        if (!T.TryParse(text, integral ? NumberStyles.Integer : NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !T.IsFinite(value))
        {
            r.AddError($"{name} must be {(integral ? "a whole number" : "a number")} {range}, got '{text}'. Pass e.g. {name} {example}.");
            return null;
        }
        if (value < min || value > max)
        {
            r.AddError($"{name} must be {range}, got {value.ToString(null, CultureInfo.InvariantCulture)}. Pass e.g. {name} {example}.");
            return null;
        }
        return value;
    }

    private static T? ParseEnum<T>(ArgumentResult r, string name) where T : struct, Enum
    {
        var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
        foreach (var value in System.Enum.GetValues<T>())
        {
            if (string.Equals(text, EnumName(value), StringComparison.OrdinalIgnoreCase))
                return value;
        }
        r.AddError($"{name} must be {Alternatives(EnumNames<T>())}, got '{text}'.");
        return null;
    }

    private static string? ParseChoice(ArgumentResult r, string name, string[] values)
    {
        var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
        if (values.FirstOrDefault(v => string.Equals(v, text, StringComparison.OrdinalIgnoreCase)) is { } match) return match;
        r.AddError($"{name} must be {Alternatives(values)}, got '{text}'.");
        return null;
    }

    private static string Alternatives(IReadOnlyList<string> values) => values.Count == 1 ? values[0] : $"{string.Join(", ", values.Take(values.Count - 1))} or {values[^1]}";
}
