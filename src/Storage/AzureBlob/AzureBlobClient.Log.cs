using Microsoft.Extensions.Logging;

namespace Uploads.Storage.AzureBlob;

public sealed partial class AzureBlobClient
{
    [LoggerMessage(Level = LogLevel.Information, Message = "{Operation} of {Resource} failed (attempt {Attempt}: {Failure}); retrying in {DelayMs:0} ms.")]
    private partial void LogRetrying(string operation, string resource, int attempt, string failure, double delayMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Operation} of {Resource} failed after {Attempts} attempts: {Failure}.")]
    private partial void LogGaveUp(string operation, string resource, int attempts, string failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Operation} of {Resource} answered {Status} {ErrorCode}, which this client does not expect.")]
    private partial void LogUnexpectedAnswer(string operation, string resource, int status, string? errorCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the container {Container} at {Endpoint}.")]
    private partial void LogContainerCreated(string container, Uri endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "A retried write of {BlobName} met its own first attempt, which had taken effect; reporting it as written.")]
    private partial void LogOwnWriteRecognised(string blobName);
}
