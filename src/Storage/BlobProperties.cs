namespace Uploads.Storage;

/// <summary>What a block store knows of a committed blob.</summary>
/// <param name="Length">The blob's length in bytes.</param>
/// <param name="ETag">The blob's entity tag, without quotes.</param>
/// <param name="ContentType">The content type given at commit.</param>
/// <param name="Metadata">The metadata given at commit.</param>
/// <param name="LastModified">When the blob was committed.</param>
public sealed record BlobProperties(
    long Length,
    string ETag,
    string ContentType,
    IReadOnlyDictionary<string, string> Metadata,
    DateTimeOffset LastModified);
