using System.Text.Json.Serialization;

namespace Uploads.Gateway.Apis;

/// <summary>The <c>result</c> member of a completed upload.</summary>
public sealed record UploadResultResource(
    string Location,
    long Size,
    [property: JsonPropertyName("etag")] string ETag,
    string ChunksSha256,
    DateTime CompletedAt);
