using System.Text.Json.Serialization;
using Uploads.Abstractions;

namespace Uploads.Grains;

/// <summary>
/// The parts of up to <see cref="Size"/> consecutive chunks of an upload, stored as one record so a chunk commit
/// writes a bounded number of bytes however many chunks the upload has. Completion seals every page with a
/// conditional write, which fences out any stale activation that might still try to commit a chunk.
/// </summary>
public sealed class UploadPartPage
{
    /// <summary>The number of chunks per page.</summary>
    public const int Size = 64;

    /// <summary>Set by completion: no chunk may be committed to this page any more.</summary>
    [JsonPropertyName("s")]
    public bool Sealed { get; set; }

    /// <summary>When a chunk was last committed to this page.</summary>
    [JsonPropertyName("u")]
    public DateTimeOffset? UpdatedAt { get; set; }

    /// <summary>The latest copy of each chunk of the page that has one, in no particular order.</summary>
    [JsonPropertyName("p")]
    public List<UploadPart> Parts { get; set; } = [];
}
