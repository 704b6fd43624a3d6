namespace Uploads.Storage.FileSystem;

/// <summary>One block of a committed blob, as the blob file records it.</summary>
internal sealed record BlockListEntry(string Id, long Length);
