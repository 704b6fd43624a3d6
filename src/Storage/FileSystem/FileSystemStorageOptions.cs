namespace Uploads.Storage.FileSystem;

/// <summary>Settings of the FileSystem provider (section <c>Uploads:Storage:FileSystem</c>).</summary>
public sealed class FileSystemStorageOptions
{
    /// <summary>
    /// The data folder. A relative path is resolved against the current directory when the stores are created.
    /// Several processes may share one folder (a local cluster); it must be on a local file system, because
    /// the stores rely on atomic renames, fsync and advisory file locks. Default: "./data".
    /// </summary>
    public string Root { get; set; } = "./data";
}
