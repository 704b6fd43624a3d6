using System.Security.Cryptography;

namespace Uploads.Storage.FileSystem;

/// <summary>
/// Where everything lives under the data folder. Temps are written in tmp/, on the same file system as their
/// targets, so that moving one into place is an atomic rename.
/// </summary>
/// <remarks>
/// <code>
/// {root}/blocks/{blobName}.blocks/{blockId}   staged and committed blocks, one file each
/// {root}/blobs/{blobName}.blob                a committed blob: its ordered block list (JSON)
/// {root}/state/{key}.state                    a record: its entity tag on the first line, then the payload
/// {root}/locks/{00..ff}.lock                  striped lock files for conditional writes
/// {root}/tmp/                                 writes in progress
/// </code>
/// </remarks>
internal sealed class FileSystemLayout
{
    // A younger temp may belong to a live process that shares the folder; an hour without a write means its
    // writer crashed.
    private static readonly TimeSpan s_tmpLeftoverAge = TimeSpan.FromHours(1);

    public FileSystemLayout(FileSystemStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Root))
        {
            throw new ArgumentException("The data folder of the FileSystem store is empty; set Uploads:Storage:FileSystem:Root.", nameof(options));
        }

        Root = Path.GetFullPath(options.Root);
        Blocks = Path.Combine(Root, "blocks");
        Blobs = Path.Combine(Root, "blobs");
        State = Path.Combine(Root, "state");
        Locks = Path.Combine(Root, "locks");
        Tmp = Path.Combine(Root, "tmp");
    }

    public string Root { get; }

    public string Blocks { get; }

    public string Blobs { get; }

    public string State { get; }

    public string Locks { get; }

    public string Tmp { get; }

    /// <summary>
    /// Creates the folders and deletes the temps that crashed processes left behind; returns how many it deleted.
    /// </summary>
    /// <exception cref="StorageException">With <see cref="StorageErrorCode.Unavailable"/> when the folders cannot be made.</exception>
    public int Initialize(DateTimeOffset now)
    {
        try
        {
            CreateFolders();
            return DeleteTmpLeftovers(now);
        }
        catch (Exception ex) when (DiskErrors.IsDiskError(ex))
        {
            throw DiskErrors.Unavailable("create its folders under", Root, ex);
        }
    }

    private void CreateFolders()
    {
        DurableFile.EnsureDirectory(Blocks);
        DurableFile.EnsureDirectory(Blobs);
        DurableFile.EnsureDirectory(State);
        DurableFile.EnsureDirectory(Locks);
        DurableFile.EnsureDirectory(Tmp);
    }

    private int DeleteTmpLeftovers(DateTimeOffset now)
    {
        var deleted = 0;
        foreach (var file in new DirectoryInfo(Tmp).EnumerateFiles())
        {
            if (now - new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero) >= s_tmpLeftoverAge)
            {
                file.Delete();
                deleted++;
            }
        }

        return deleted;
    }

    public string NewTempPath() => Path.Combine(Tmp, RandomNumberGenerator.GetHexString(32, lowercase: true) + ".tmp");

    public string BlobFile(string blobName) => Path.Combine(Blobs, ToRelativePath(blobName) + ".blob");

    public string BlockFolder(string blobName) => Path.Combine(Blocks, ToRelativePath(blobName) + ".blocks");

    public string StateFile(string key) => Path.Combine(State, ToRelativePath(key) + ".state");

    public string StateFolder(string prefix) => Path.Combine(State, ToRelativePath(prefix));

    // StorageNames guarantees segments that are safe file names, never "." or "..", so a name cannot leave its folder.
    private static string ToRelativePath(string name) => name.Replace('/', Path.DirectorySeparatorChar);
}
