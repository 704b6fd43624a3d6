using System.Globalization;

namespace Uploads.Bench;

/// <summary>Memory figures of a process, from /proc on Linux.</summary>
internal static class ProcessMemory
{
    /// <summary>The peak resident set size of process <paramref name="processId"/> so far (VmHWM), in bytes.</summary>
    public static long PeakRssBytes(int processId) => StatusBytes(processId, "VmHWM:");

    /// <summary>The resident set size of process <paramref name="processId"/> now (VmRSS), in bytes.</summary>
    public static long RssBytes(int processId) => StatusBytes(processId, "VmRSS:");

    /// <summary>Bytes as whole MiB, for a table cell.</summary>
    public static string Mib(long bytes) => (bytes / (1024.0 * 1024)).ToString("F0", CultureInfo.InvariantCulture);

    private static long StatusBytes(int processId, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{processId}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                var kilobytes = line[field.Length..].Trim().Split(' ')[0];
                return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"/proc/{processId}/status has no {field} line.");
    }
}
