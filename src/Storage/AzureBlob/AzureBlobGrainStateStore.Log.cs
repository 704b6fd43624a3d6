using Microsoft.Extensions.Logging;

namespace Uploads.Storage.AzureBlob;

public sealed partial class AzureBlobGrainStateStore
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Conditional write of record {Key} lost: another writer was first.")]
    private partial void LogConflict(string key);
}
