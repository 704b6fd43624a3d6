using System.Text.Json;
using System.Text.Json.Serialization;

namespace Uploads.Client.Serialization;

/// <summary>Reads and writes a <see cref="ChunkRange"/> as the API does: a two-element array <c>[first, last]</c>.</summary>
public sealed class ChunkRangeJsonConverter : JsonConverter<ChunkRange>
{
    public override ChunkRange Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray ||
            !reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var first) ||
            !reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var last) ||
            !reader.Read() || reader.TokenType != JsonTokenType.EndArray ||
            first < 0 || last < first)
        {
            throw new JsonException("A chunk range must be an array [first, last] of indices with first <= last.");
        }

        return new ChunkRange(first, last);
    }

    public override void Write(Utf8JsonWriter writer, ChunkRange value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteNumberValue(value.First);
        writer.WriteNumberValue(value.Last);
        writer.WriteEndArray();
    }
}
