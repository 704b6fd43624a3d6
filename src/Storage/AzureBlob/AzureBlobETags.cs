using Azure;

namespace Uploads.Storage.AzureBlob;

/// <summary>The stores' entity tags are the service's without their quotes.</summary>
internal static class AzureBlobETags
{
    public static string Unquote(ETag etag) => etag.ToString().Trim('"');

    public static ETag Quote(string etag) => new($"\"{etag}\"");
}
