using System.Globalization;
using System.Text.RegularExpressions;

namespace Switchyard.Core.Spec;

/// <summary>Durations as people write them: "30s", "500ms", "2m", "1h", "1m30s", or plain seconds.</summary>
public static partial class DurationText
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            if (seconds < 0 || double.IsNaN(seconds) || double.IsInfinity(seconds)) return false;
            duration = TimeSpan.FromSeconds(seconds);
            return true;
        }
        var parts = Part().Matches(text);
        if (text.Length == 0 || parts.Sum(p => p.Length) != text.Length) return false;
        duration = parts.Aggregate(TimeSpan.Zero, (sum, p) =>
        {
            var value = double.Parse(p.Groups[1].Value, CultureInfo.InvariantCulture);
            return sum + p.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(value),
                "s" => TimeSpan.FromSeconds(value),
                "m" => TimeSpan.FromMinutes(value),
                _ => TimeSpan.FromHours(value),
            };
        });
        return true;
    }

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(ms|s|m|h)", RegexOptions.CultureInvariant)]
    private static partial Regex Part();
}
