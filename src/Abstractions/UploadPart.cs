using System.Text.Json.Serialization;

namespace Uploads.Abstractions;

/// <summary>The latest copy of one chunk: the staged block that holds it. Short JSON names keep pages small.</summary>
[GenerateSerializer, Alias("uploads.UploadPart")]
public sealed class UploadPart
{
    [JsonPropertyName("i")]
    [Id(0)]
    public int Index { get; set; }

    [JsonPropertyName("b")]
    [Id(1)]
    public string BlockId { get; set; } = "";

    [JsonPropertyName("n")]
    [Id(2)]
    public long Size { get; set; }

    [JsonPropertyName("h")]
    [Id(3)]
    public byte[] Sha256 { get; set; } = [];
}
