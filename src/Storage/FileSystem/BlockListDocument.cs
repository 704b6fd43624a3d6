using System.Text.Json.Serialization;

namespace Uploads.Storage.FileSystem;

/// <summary>
/// The file of a committed blob: its blocks in order with their lengths, and its properties. The bytes stay in
/// the block files, so a commit writes a few kilobytes instead of copying the whole blob.
/// </summary>
internal sealed record BlockListDocument(
    IReadOnlyList<BlockListEntry> Blocks,
    string ContentType,
    IReadOnlyDictionary<string, string> Metadata,
    [property: JsonPropertyName("etag")] string ETag,
    DateTimeOffset LastModified)
{
    public BlobProperties ToProperties()
    {
        long length = 0;
        foreach (var block in Blocks)
        {
            length += block.Length;
        }

        return new BlobProperties(length, ETag, ContentType, Metadata, LastModified);
    }
}
