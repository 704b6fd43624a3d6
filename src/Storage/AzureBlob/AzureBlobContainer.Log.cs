using Microsoft.Extensions.Logging;

namespace Uploads.Storage.AzureBlob;

internal sealed partial class AzureBlobContainer
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Created the container {Container} at {Endpoint}.")]
    private partial void LogContainerCreated(string container, Uri endpoint);
}
