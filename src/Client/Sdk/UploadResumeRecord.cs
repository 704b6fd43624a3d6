namespace Uploads.Client;

/// <summary>
/// What <see cref="UploadsClient.UploadFileAsync"/> remembers about an upload that has not finished, so that a later
/// call (in another process, after a reboot) can continue it: which upload, on which server, of which file, and the
/// file's size and last-write time then, which tell whether it is still the same file.
/// </summary>
public sealed record UploadResumeRecord
{
    /// <summary>The upload's id.</summary>
    public required string UploadId { get; init; }

    /// <summary>The server's address.</summary>
    public required Uri Server { get; init; }

    /// <summary>The full path of the local file.</summary>
    public required string FilePath { get; init; }

    /// <summary>The file's size when the upload was created.</summary>
    public required long Size { get; init; }

    /// <summary>The file's last-write time (UTC) when the upload was created.</summary>
    public required DateTime LastWriteTimeUtc { get; init; }

    /// <summary>The upload's chunk size.</summary>
    public required long ChunkSize { get; init; }

    /// <summary>When the upload was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}
