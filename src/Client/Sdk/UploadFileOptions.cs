namespace Uploads.Client;

/// <summary>How <see cref="UploadsClient.UploadFileAsync"/> uploads one file.</summary>
public sealed class UploadFileOptions
{
    /// <summary>
    /// How many chunks are read and sent at once. Memory use is bounded by this many chunk buffers. Default: 4.
    /// </summary>
    public int Parallelism { get; set; } = 4;

    /// <summary>
    /// The chunk size to ask the server for. A resumed upload keeps the chunk size it was created with unless this is
    /// set to another, which starts a new upload. Default: null (the server chooses: 8 MiB, raised for very large files).
    /// </summary>
    public long? ChunkSize { get; set; }

    /// <summary>The file name the server records. Default: null, meaning the name of the local file.</summary>
    public string? FileName { get; set; }

    /// <summary>The media type of the content. Default: null, meaning <c>application/octet-stream</c>.</summary>
    public string? ContentType { get; set; }

    /// <summary>Metadata recorded with a new upload (at most 32 string pairs, 8 KiB in all). Default: none.</summary>
    public IDictionary<string, string>? Metadata { get; set; }
}
