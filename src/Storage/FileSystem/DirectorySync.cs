using System.Runtime.InteropServices;

namespace Uploads.Storage.FileSystem;

/// <summary>
/// Flushes a directory to disk, so that a rename or a new file in it survives a power cut: fsync of the file
/// makes its bytes durable, but its name lives in the directory.
/// </summary>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0;

    private static readonly int s_openFlags = GetOpenFlags();

    public static void Flush(string directory)
    {
        // NTFS journals its metadata, and Windows offers no way to flush a directory handle.
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var descriptor = Open(directory, s_openFlags);
        if (descriptor < 0)
        {
            throw new IOException($"Could not open the directory '{directory}' to flush it to disk (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (FSync(descriptor) != 0)
            {
                throw new IOException($"Could not flush the directory '{directory}' to disk (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    // O_DIRECTORY and O_CLOEXEC differ between platforms and architectures; where the value is not known
    // plain O_RDONLY still opens a directory. O_CLOEXEC keeps the descriptor out of child processes.
    private static int GetOpenFlags()
    {
        if (OperatingSystem.IsLinux())
        {
            const int closeOnExec = 0x80000;
            var directoryOnly = RuntimeInformation.ProcessArchitecture switch
            {
                Architecture.X64 or Architecture.X86 => 0x10000,
                Architecture.Arm64 or Architecture.Arm => 0x4000,
                _ => 0,
            };
            return ReadOnly | closeOnExec | directoryOnly;
        }

        if (OperatingSystem.IsMacOS())
        {
            const int closeOnExec = 0x1000000;
            const int directoryOnly = 0x100000;
            return ReadOnly | closeOnExec | directoryOnly;
        }

        return ReadOnly;
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
