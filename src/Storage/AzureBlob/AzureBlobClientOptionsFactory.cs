using Azure.Storage.Blobs;

namespace Uploads.Storage.AzureBlob;

/// <summary>The options of the Azure SDK's blob clients, made from our settings.</summary>
internal static class AzureBlobClientOptionsFactory
{
    /// <summary>
    /// Retries and timeouts as <see cref="AzureBlobStorageOptions"/> sets them, at service version 2026-02-06, which
    /// Azure Storage and Azurite 3.37 both accept.
    /// </summary>
    public static BlobClientOptions Create(AzureBlobStorageOptions settings)
    {
        var options = new BlobClientOptions(BlobClientOptions.ServiceVersion.V2026_02_06);
        options.Retry.MaxRetries = settings.MaxRetries;
        options.Retry.Delay = settings.RetryBaseDelay;
        options.Retry.Mode = Azure.Core.RetryMode.Exponential;
        options.Retry.NetworkTimeout = settings.RequestTimeout;
        return options;
    }
}
