namespace Uploads.Gateway.Apis;

/// <summary>The answer to <c>GET /v1/uploads</c>.</summary>
/// <param name="Items">The uploads of this page.</param>
/// <param name="NextCursor">The opaque cursor of the next page, or <see langword="null"/> at the end.</param>
public sealed record UploadListResponse(IReadOnlyList<UploadResource> Items, string? NextCursor);
