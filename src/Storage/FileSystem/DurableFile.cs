namespace Uploads.Storage.FileSystem;

/// <summary>
/// Writes that are durable before they are acknowledged and never seen torn: a temp is written and flushed to
/// disk, renamed into place atomically, and the folder that now names it is flushed too.
/// </summary>
internal static class DurableFile
{
    // A concurrent delete may remove an empty folder between creating it and renaming into it.
    private const int MoveAttempts = 3;

    public static FileStream CreateTemp(string path, long preallocationSize) => new(path, new FileStreamOptions
    {
        Mode = FileMode.CreateNew,
        Access = FileAccess.Write,
        Share = FileShare.None,
        BufferSize = 0,
        Options = FileOptions.Asynchronous,
        PreallocationSize = preallocationSize,
    });

    /// <summary>Writes <paramref name="first"/> then <paramref name="second"/> to a new temp and flushes it to disk.</summary>
    public static async Task WriteTempAsync(string tempPath, ReadOnlyMemory<byte> first, ReadOnlyMemory<byte> second, CancellationToken cancellationToken)
    {
        await using var file = CreateTemp(tempPath, first.Length + second.Length);
        await file.WriteAsync(first, cancellationToken).ConfigureAwait(false);
        await file.WriteAsync(second, cancellationToken).ConfigureAwait(false);
        file.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Renames a flushed temp to <paramref name="finalPath"/> and flushes the folder. Without
    /// <paramref name="overwrite"/> the rename is create-only (on Unix .NET uses link(), which fails atomically
    /// when the target exists); then it returns <see langword="false"/> and leaves the temp where it is.
    /// </summary>
    public static bool MoveIntoPlace(string tempPath, string finalPath, bool overwrite)
    {
        var folder = Path.GetDirectoryName(finalPath)!;
        for (var attempt = 1; ; attempt++)
        {
            EnsureDirectory(folder);
            try
            {
                File.Move(tempPath, finalPath, overwrite);
                break;
            }
            catch (DirectoryNotFoundException) when (attempt < MoveAttempts && File.Exists(tempPath))
            {
                // The folder was deleted after EnsureDirectory; create it again.
            }
            catch (IOException) when (!overwrite && File.Exists(finalPath))
            {
                return false;
            }
        }

        DirectorySync.Flush(folder);
        return true;
    }

    /// <summary>Creates a folder and its missing parents, flushing each parent that gained a folder.</summary>
    public static void EnsureDirectory(string directory)
    {
        if (Directory.Exists(directory))
        {
            return;
        }

        var parent = Path.GetDirectoryName(directory);
        if (parent is not null)
        {
            EnsureDirectory(parent);
        }

        Directory.CreateDirectory(directory);
        if (parent is not null)
        {
            DirectorySync.Flush(parent);
        }
    }

    /// <summary>
    /// Reads a whole file. Files here are replaced by renames and never changed in place, so the length read first
    /// stays true; sharing delete lets a writer rename a new version over it meanwhile on Windows, as on Unix.
    /// </summary>
    public static async Task<byte[]> ReadAllBytesAsync(string path, CancellationToken cancellationToken)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, FileOptions.Asynchronous);
        var length = RandomAccess.GetLength(handle);
        if (length > Array.MaxLength)
        {
            throw new IOException($"The file '{path}' is too large to read whole ({length} bytes).");
        }

        var bytes = new byte[length];
        var total = 0;
        while (total < bytes.Length)
        {
            var read = await RandomAccess.ReadAsync(handle, bytes.AsMemory(total), total, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException($"The file '{path}' ended after {total} of its {length} bytes.");
            }

            total += read;
        }

        return bytes;
    }

    /// <summary>Deletes a file; a file or folder that is already gone is no error.</summary>
    public static void Delete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            // Its folder is gone, so the file is too.
        }
    }

    /// <summary>Deletes a temp after a failed or abandoned write; returns the failure rather than hiding the first one.</summary>
    public static Exception? TryDeleteTemp(string path)
    {
        try
        {
            File.Delete(path);
            return null;
        }
        catch (Exception ex) when (DiskErrors.IsDiskError(ex))
        {
            return ex;
        }
    }
}
