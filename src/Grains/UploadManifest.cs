using System.Text.Json.Serialization;
using Uploads.Abstractions;

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

    /// <summary>How the upload is written; <see cref="UploadWriteMode.Chunks"/> for manifests written before there was a choice.</summary>
    public UploadWriteMode Mode { get; set; }

    /// <summary>
    /// For an appended upload created without its length (tus <c>creation-defer-length</c>): true until an append
    /// declares it. <see cref="Size"/> is zero meanwhile.
    /// </summary>
    public bool SizeDeferred { get; set; }

    /// <summary>For an appended upload that takes part in a concatenation: which part.</summary>
    public UploadConcat? Concat { get; set; }

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
