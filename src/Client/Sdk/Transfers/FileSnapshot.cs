using Microsoft.Win32.SafeHandles;

namespace Uploads.Client.Transfers;

/// <summary>What identifies a version of a local file for resuming: its size and last-write time.</summary>
internal readonly record struct FileSnapshot(long Size, DateTime LastWriteTimeUtc)
{
    public static FileSnapshot Of(string fullPath, SafeFileHandle file) =>
        new(RandomAccess.GetLength(file), File.GetLastWriteTimeUtc(fullPath));
}
