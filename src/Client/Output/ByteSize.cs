using System.Globalization;

namespace Uploads.Client.Cli.Output;

/// <summary>Byte counts for people: <c>1.5 GiB</c> out, <c>8M</c> or <c>8MiB</c> or <c>8388608</c> in (binary units throughout).</summary>
internal static class ByteSize
{
    private static readonly string[] s_units = ["B", "KiB", "MiB", "GiB", "TiB"];

    public static string Format(long bytes)
    {
        if (bytes < 1024)
        {
            return $"{bytes} B";
        }

        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < s_units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {s_units[unit]}");
    }

    public static string FormatRate(double bytesPerSecond) => bytesPerSecond > 0 ? Format((long)bytesPerSecond) + "/s" : "-";

    public static string FormatDuration(TimeSpan? duration) => duration switch
    {
        null => "-",
        { TotalHours: >= 1 } hours => hours.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture),
        { } time => time.ToString(@"m\:ss", CultureInfo.InvariantCulture),
    };

    /// <summary>Parses <c>65536</c>, <c>64K</c>, <c>64KiB</c>, <c>8M</c>, <c>8MB</c>, <c>1G</c> (all powers of 1024).</summary>
    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        var trimmed = text.Trim();
        var digits = 0;
        while (digits < trimmed.Length && char.IsAsciiDigit(trimmed[digits]))
        {
            digits++;
        }

        if (digits == 0 || !long.TryParse(trimmed.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        var shift = trimmed[digits..].Trim().ToUpperInvariant() switch
        {
            "" or "B" => 0,
            "K" or "KB" or "KIB" => 10,
            "M" or "MB" or "MIB" => 20,
            "G" or "GB" or "GIB" => 30,
            _ => -1,
        };
        if (shift < 0 || number > long.MaxValue >> shift)
        {
            return false;
        }

        bytes = number << shift;
        return true;
    }
}
