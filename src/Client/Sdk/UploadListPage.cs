namespace Uploads.Client;

/// <summary>One page of <c>GET /v1/uploads</c>.</summary>
public sealed class UploadListPage
{
    /// <summary>The uploads of this page.</summary>
    public IReadOnlyList<UploadResource> Items { get; init; } = [];

    /// <summary>The opaque cursor of the next page, or null at the end.</summary>
    public string? NextCursor { get; init; }
}
