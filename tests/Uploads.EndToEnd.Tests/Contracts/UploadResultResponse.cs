namespace Uploads.EndToEnd.Tests.Contracts;

/// <summary>The <c>result</c> member of a completed upload.</summary>
internal sealed record UploadResultResponse(string Location, long Size, string ETag, string ChunksSha256, DateTimeOffset CompletedAt);
