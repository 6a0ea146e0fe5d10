using System.Globalization;

namespace Switchyard.Core.Guards;

/// <summary>Units signals are measured in, and how their values print.</summary>
public static class SignalUnits
{
    public const string Bytes = "bytes";
    public const string Seconds = "seconds";
    public const string BytesPerSecond = "bytes/s";
    public const string Ratio = "ratio";
    public const string Fraction = "fraction";
    public const string Count = "count";

    public static string Format(double value, string unit) => unit switch
    {
        Bytes => FormatBytes(value),
        BytesPerSecond => FormatBytes(value) + "/s",
        Seconds => value.ToString("0.0##", CultureInfo.InvariantCulture) + " s",
        Ratio => value.ToString("0.0#", CultureInfo.InvariantCulture) + "x",
        Fraction => (value * 100).ToString("0.0###", CultureInfo.InvariantCulture) + " %",
        _ => value.ToString("0.##", CultureInfo.InvariantCulture),
    };

    private static string FormatBytes(double b)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB"];
        var i = 0;
        while (Math.Abs(b) >= 1024 && i < units.Length - 1)
        {
            b /= 1024;
            i++;
        }
        return b.ToString(i == 0 ? "0" : "0.0#", CultureInfo.InvariantCulture) + " " + units[i];
    }
}
