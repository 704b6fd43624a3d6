using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Uploads.Storage.FileSystem;

/// <summary>
/// Starts writing a range of a file to disk without waiting for it (Linux's <c>sync_file_range</c> with
/// <c>SYNC_FILE_RANGE_WRITE</c>), so that the disk works while the rest of the file is still arriving and the fsync
/// at its end waits for the tail only. A hint: it makes nothing durable, and where the platform or the file system
/// does not take it, nothing changes but the timing.
/// </summary>
internal static partial class WriteBack
{
    private const uint SyncFileRangeWrite = 2;

    private static volatile bool s_unsupported = !OperatingSystem.IsLinux();

    /// <summary>Starts writing back <paramref name="length"/> bytes at <paramref name="offset"/>; false where that is not taken.</summary>
    public static bool Start(SafeFileHandle file, long offset, long length)
    {
        if (s_unsupported || length <= 0)
        {
            return false;
        }

        if (SyncFileRange(file, offset, length, SyncFileRangeWrite) != 0)
        {
            // ENOSYS, or a file system that refuses it (EINVAL, ESPIPE): the fsync at the end does all the work, as before.
            s_unsupported = true;
            return false;
        }

        return true;
    }

    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static partial int SyncFileRange(SafeFileHandle file, long offset, long length, uint flags);
}
