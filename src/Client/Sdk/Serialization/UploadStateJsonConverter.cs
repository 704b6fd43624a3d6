using System.Text.Json;
using System.Text.Json.Serialization;

namespace Uploads.Client.Serialization;

/// <summary>Reads and writes an <see cref="UploadState"/> as its name.</summary>
public sealed class UploadStateJsonConverter : JsonConverter<UploadState>
{
    public override UploadState Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetString() is { Length: > 0 } name
            ? new UploadState(name)
            : throw new JsonException("An upload state must be a non-empty string.");

    public override void Write(Utf8JsonWriter writer, UploadState value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
