using System.Text.Json.Serialization;

namespace Uploads.Storage.FileSystem;

// Strict about nulls and missing members, so a damaged blob file fails loudly instead of reading as an empty blob.
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(BlockListDocument))]
internal sealed partial class FileSystemJsonContext : JsonSerializerContext;
