using System.Text.Json.Serialization;

namespace Uploads.Abstractions;

/// <summary>How an upload's bytes are written.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<UploadWriteMode>))]
[GenerateSerializer, Alias("uploads.UploadWriteMode")]
public enum UploadWriteMode
{
    /// <summary>In chunks of a fixed plan, each written, and re-written, by its index in any order (the v1 API).</summary>
    Chunks,

    /// <summary>
    /// Appended at the upload's offset, in parts of any size up to the upload's chunk size, each committed once and
    /// in order (the tus protocol). The upload completes by itself when its offset reaches its length.
    /// </summary>
    Append,
}
