using System.Text.Json.Serialization;

namespace Uploads.Grains;

/// <summary>
/// The durable header of an upload: what it is and where it is in its life. Written at creation and at each
/// change of state, never per chunk: the parts live in <see cref="UploadPartPage"/> records, so a chunk commit
/// writes one page, not the whole manifest.
/// </summary>
public sealed class UploadManifest
{
    public string UploadId { get; set; } = "";

    public string FileName { get; set; } = "";

    public string ContentType { get; set; } = "";

    public long Size { get; set; }

    public long ChunkSize { get; set; }

    public int ChunkCount { get; set; }

    public Dictionary<string, string> Metadata { get; set; } = [];

    public ManifestState State { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When <see cref="State"/> last changed.</summary>
    public DateTimeOffset StateChangedAt { get; set; }

    /// <summary>For aborted and expired uploads: whether their bytes have been released (a failed release is retried).</summary>
    public bool StorageReleased { get; set; }

    public UploadResult? Result { get; set; }
}

/// <summary>The stored states of an upload; <c>created</c> and <c>uploading</c> are both <see cref="Open"/>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ManifestState>))]
public enum ManifestState
{
    Open,
    Completing,
    Completed,
    Aborted,
    Expired,
}
