using System.Text.Json.Serialization;

namespace Uploads.Grains;

/// <summary>The latest copy of one chunk: the staged block that holds it. Short JSON names keep pages small.</summary>
public sealed class UploadPart
{
    [JsonPropertyName("i")]
    public int Index { get; set; }

    [JsonPropertyName("b")]
    public string BlockId { get; set; } = "";

    [JsonPropertyName("n")]
    public long Size { get; set; }

    [JsonPropertyName("h")]
    public byte[] Sha256 { get; set; } = [];
}
