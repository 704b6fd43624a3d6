namespace Uploads.Client.Serialization;

/// <summary>The body of <c>POST /v1/uploads</c>; members left null are not sent.</summary>
internal sealed record CreateUploadBody(
    string FileName,
    long Size,
    string? ContentType,
    long? ChunkSize,
    IDictionary<string, string>? Metadata,
    string UploadId);
