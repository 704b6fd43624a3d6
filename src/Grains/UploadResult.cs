namespace Uploads.Grains;

/// <summary>What a completed upload produced.</summary>
/// <param name="Size">The committed blob's length.</param>
/// <param name="ETag">The committed blob's entity tag, without quotes.</param>
/// <param name="ChunksSha256">Base64 SHA-256 over the concatenated SHA-256 digests of the chunks in index order.</param>
/// <param name="CompletedAt">When the commit became durable.</param>
public sealed record UploadResult(long Size, string ETag, string ChunksSha256, DateTimeOffset CompletedAt);
