namespace Uploads.Storage.FileSystem;

/// <summary>Turns failures of the disk into the one exception type stores throw.</summary>
internal static class DiskErrors
{
    /// <summary>
    /// Whether <paramref name="exception"/> is a failure of the file system. <see cref="EndOfStreamException"/> is
    /// an <see cref="IOException"/> too, but it reports a short content stream, the caller's mistake.
    /// </summary>
    public static bool IsDiskError(Exception exception) =>
        exception is UnauthorizedAccessException or IOException and not EndOfStreamException;

    public static StorageException Unavailable(string operation, string name, Exception innerException) =>
        new(StorageErrorCode.Unavailable, $"The file system store could not {operation} '{name}': {innerException.Message}", innerException);
}
