namespace Uploads.Gateway.Apis;

/// <summary>The body of <c>POST /v1/uploads</c>. Every member is nullable so that a missing one is told from a zero.</summary>
public sealed record CreateUploadRequest(
    string? FileName,
    long? Size,
    string? ContentType,
    long? ChunkSize,
    Dictionary<string, string>? Metadata,
    string? UploadId);
