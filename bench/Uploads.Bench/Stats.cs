using System.Globalization;

namespace Uploads.Bench;

/// <summary>Medians and spreads of repeated runs, formatted for tables.</summary>
internal static class Stats
{
    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>"median (min–max)" with <paramref name="decimals"/> decimals; just the value for a single run.</summary>
    public static string Format(IReadOnlyList<double> values, int decimals = 1)
    {
        var format = "F" + decimals.ToString(CultureInfo.InvariantCulture);
        var median = Median(values).ToString(format, CultureInfo.InvariantCulture);
        return values.Count == 1
            ? median
            : $"{median} ({values.Min().ToString(format, CultureInfo.InvariantCulture)}–{values.Max().ToString(format, CultureInfo.InvariantCulture)})";
    }
}
