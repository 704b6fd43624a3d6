namespace Uploads.Client;

/// <summary>What <see cref="UploadsClient.CreateUploadAsync"/> asks the server for (API.md, <c>POST /v1/uploads</c>).</summary>
public sealed class CreateUploadOptions
{
    /// <summary>The file name: 1 to 255 characters, no control characters. Required.</summary>
    public required string FileName { get; set; }

    /// <summary>The size of the whole file in bytes. Required.</summary>
    public required long Size { get; set; }

    /// <summary>The media type of the content. Default: null, which the server takes as <c>application/octet-stream</c>.</summary>
    public string? ContentType { get; set; }

    /// <summary>
    /// The chunk size to use, within the server's limits. Default: null, which lets the server choose (8 MiB, raised
    /// so the file needs at most its maximum chunk count).
    /// </summary>
    public long? ChunkSize { get; set; }

    /// <summary>At most 32 string pairs, 8 KiB in all. Default: none.</summary>
    public IDictionary<string, string>? Metadata { get; set; }

    /// <summary>
    /// The upload's id, <c>[A-Za-z0-9._-]{1,128}</c>. Default: null, in which case the client chooses a new ULID
    /// before the first attempt, so that a create retried after a lost response finds the upload it made (the
    /// server answers 200 for the same id and parameters) instead of making a second one.
    /// </summary>
    public string? UploadId { get; set; }
}
