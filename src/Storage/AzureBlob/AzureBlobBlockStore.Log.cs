using Microsoft.Extensions.Logging;

namespace Uploads.Storage.AzureBlob;

public sealed partial class AzureBlobBlockStore
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Blob {BlobName} is already committed; the commit kept it and returned its properties.")]
    private partial void LogCommitFoundExistingBlob(string blobName);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Block {BlockId} of blob {BlobName} did not match the MD5 declared for it and was not staged.")]
    private partial void LogDeclaredMd5Mismatch(string blobName, string blockId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Released the staged blocks of blob {BlobName}, which was never committed.")]
    private partial void LogStagedBlocksReleased(string blobName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Operation} of blob {BlobName} failed after the SDK's retries: {Failure}")]
    private partial void LogOperationFailed(string operation, string blobName, string failure);
}
