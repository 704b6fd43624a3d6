using System.Globalization;

namespace Uploads.Bench;

/// <summary>Memory figures of a process, from /proc on Linux.</summary>
internal static class ProcessMemory
{
    /// <summary>The peak resident set size of process <paramref name="processId"/> so far (VmHWM), in bytes.</summary>
    public static long PeakRssBytes(int processId)
    {
        foreach (var line in File.ReadLines($"/proc/{processId}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                var kilobytes = line["VmHWM:".Length..].Trim().Split(' ')[0];
                return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"/proc/{processId}/status has no VmHWM line.");
    }
}
