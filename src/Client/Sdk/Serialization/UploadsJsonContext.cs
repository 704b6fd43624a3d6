using System.Text.Json;
using System.Text.Json.Serialization;

namespace Uploads.Client.Serialization;

/// <summary>The JSON contract of the API, generated at build time (web defaults: camelCase, case-insensitive reads).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(UploadResource))]
[JsonSerializable(typeof(UploadListPage))]
[JsonSerializable(typeof(CreateUploadBody))]
[JsonSerializable(typeof(ProblemDocument))]
[JsonSerializable(typeof(UploadResumeRecord))]
internal sealed partial class UploadsJsonContext : JsonSerializerContext
{
}
