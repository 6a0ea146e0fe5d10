using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace Switchyard.Cli.Output;

/// <summary>The one way the CLI prints: Spectre for people, snake_case JSON for machines, errors to stderr.</summary>
internal static class CliOutput
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void WriteJson<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Json));

    public static void Line(string markup) => AnsiConsole.MarkupLine(markup);

    /// <summary>Unwrapped text on stdout, for values scripts capture (Spectre would wrap at the console width).</summary>
    public static void Plain(string text) => Console.Out.WriteLine(text);

    /// <summary>Progress lines printed with <see cref="Plain"/> as they come (synchronously, in order).</summary>
    public static IProgress<string> PlainLines { get; } = new PlainProgress();

    private sealed class PlainProgress : IProgress<string>
    {
        public void Report(string value) => Plain(value);
    }

    public static void Info(string text) => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(text)}[/]");

    public static void Success(string text) => AnsiConsole.MarkupLine($"[green]{Markup.Escape(text)}[/]");

    // Errors go to stderr unwrapped: they are read in CI logs as often as on terminals.
    public static void Warn(string text) => Console.Error.WriteLine($"warning: {text}");

    public static void Fail(string message, string? hint)
    {
        Console.Error.WriteLine($"error: {message}");
        if (hint is not null) Console.Error.WriteLine($"hint: {hint}");
    }

    public static void Verbose(Exception e) => Console.Error.WriteLine(e.ToString());

    /// <summary>Two columns of name/value for status-like output.</summary>
    public static void KeyValues(string title, IEnumerable<(string Key, string Value)> rows)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title));
        table.AddColumn("");
        table.AddColumn("");
        table.HideHeaders();
        foreach (var (key, value) in rows) table.AddRow(Markup.Escape(key), Markup.Escape(value));
        AnsiConsole.Write(table);
    }

    /// <summary>A table with headers, each cell escaped.</summary>
    public static void Table(string? title, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var table = new Table().Border(TableBorder.Rounded);
        if (title is not null) table.Title(Markup.Escape(title));
        foreach (var h in headers) table.AddColumn(Markup.Escape(h));
        foreach (var row in rows) table.AddRow([.. row.Select(Markup.Escape)]);
        AnsiConsole.Write(table);
    }
}
