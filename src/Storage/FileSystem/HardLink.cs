using System.Runtime.InteropServices;

namespace Uploads.Storage.FileSystem;

/// <summary>
/// A second name for an existing file (a hard link): no byte is copied, and the file lives on while either name does.
/// </summary>
internal static partial class HardLink
{
    /// <summary>
    /// Links <paramref name="newPath"/> to <paramref name="existingPath"/>; false where the platform or the file system
    /// has no hard links, or the existing file is gone, so the caller copies instead.
    /// </summary>
    public static bool TryCreate(string existingPath, string newPath)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return false;
        }

        return Link(existingPath, newPath) == 0;
    }

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string existingPath, string newPath);
}
