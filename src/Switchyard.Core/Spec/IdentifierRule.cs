using Switchyard.Core.Execution;

namespace Switchyard.Core.Spec;

/// <summary>
/// What a name that becomes a PostgreSQL identifier may be: at most 63 bytes (PostgreSQL would silently cut a longer
/// one, and the catalog checks would then look for a name that does not exist) and no control characters.
/// </summary>
public static class IdentifierRule
{
    /// <param name="what">How the field is named in the message, e.g. <c>'table'</c>.</param>
    /// <returns>The problem and its fix, or null when the name is fine.</returns>
    public static (string Problem, string Hint)? Check(string name, string what)
    {
        ArgumentNullException.ThrowIfNull(name);
        var bytes = System.Text.Encoding.UTF8.GetByteCount(name);
        if (bytes > Ident.MaxBytes)
            return ($"{what} is {bytes} bytes long; PostgreSQL identifiers hold at most {Ident.MaxBytes} bytes.", $"Use a name of at most {Ident.MaxBytes} bytes (UTF-8).");
        if (name.Any(char.IsControl))
            return ($"{what} contains a control character.", "Remove the tab, newline or other control character from the name.");
        return null;
    }
}
