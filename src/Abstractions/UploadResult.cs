namespace Uploads.Abstractions;

/// <summary>What a completed upload produced.</summary>
/// <param name="Size">The committed blob's length.</param>
/// <param name="ETag">The committed blob's entity tag, without quotes.</param>
/// <param name="ChunksSha256">Base64 SHA-256 over the concatenated SHA-256 digests of the chunks in index order.</param>
/// <param name="CompletedAt">When the commit became durable.</param>
[GenerateSerializer, Immutable, Alias("uploads.UploadResult")]
public sealed record UploadResult(
    [property: Id(0)] long Size,
    [property: Id(1)] string ETag,
    [property: Id(2)] string ChunksSha256,
    [property: Id(3)] DateTimeOffset CompletedAt);
