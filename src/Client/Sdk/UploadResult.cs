using System.Text.Json.Serialization;

namespace Uploads.Client;

/// <summary>What a completed upload became: one blob, and the digest that checks it end to end.</summary>
public sealed class UploadResult
{
    /// <summary>The path of the content, <c>/v1/uploads/{id}/content</c>, relative to the server.</summary>
    public string Location { get; init; } = "";

    /// <summary>The size of the content in bytes.</summary>
    public long Size { get; init; }

    /// <summary>The entity tag of the content (without quotes).</summary>
    [JsonPropertyName("etag")]
    public string ETag { get; init; } = "";

    /// <summary>
    /// The base64 SHA-256 over the concatenated 32-byte SHA-256 digests of the chunks in index order. A client computes
    /// it from its own copy to prove the server holds the same bytes.
    /// </summary>
    public string ChunksSha256 { get; init; } = "";

    /// <summary>When the upload was completed.</summary>
    public DateTimeOffset CompletedAt { get; init; }
}
