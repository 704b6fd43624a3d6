using System.Text.Json;
using System.Text.Json.Serialization;

namespace Uploads.Client.Cli.Output;

/// <summary>The JSON that <c>--json</c> writes: the API's own shapes, camelCase, nulls left out.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(UploadResource))]
[JsonSerializable(typeof(IReadOnlyList<UploadResource>))]
[JsonSerializable(typeof(DownloadedFile))]
[JsonSerializable(typeof(CliErrorDocument))]
internal sealed partial class CliJsonContext : JsonSerializerContext
{
}
