using Microsoft.Extensions.Logging;

namespace Uploads.Storage.AzureBlob;

public sealed partial class AzureBlobGrainStateStore
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Conditional write of record {Key} lost: another writer was first.")]
    private partial void LogConflict(string key);

    [LoggerMessage(Level = LogLevel.Information, Message = "A retried write of {Key} met its own first attempt, which had taken effect; reporting it as written.")]
    private partial void LogOwnWriteRecognised(string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Operation} of record {Key} failed after the SDK's retries: {Failure}")]
    private partial void LogOperationFailed(string operation, string key, string failure);
}
