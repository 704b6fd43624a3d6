using Microsoft.Extensions.Logging;

namespace Uploads.Storage.FileSystem;

public sealed partial class FileSystemBlockStore
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} temp files left over by crashed processes in {Folder}.")]
    private partial void LogTmpLeftoversDeleted(int count, string folder);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Blob {BlobName} is already committed; the commit kept it and returned its properties.")]
    private partial void LogCommitFoundExistingBlob(string blobName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Block {BlockId} of blob {BlobName} is already committed; the new copy was discarded to keep the committed bytes.")]
    private partial void LogStageOfCommittedBlockIgnored(string blobName, string blockId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Released {Count} uncommitted blocks of blob {BlobName}.")]
    private partial void LogBlocksReleased(string blobName, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release the uncommitted blocks of blob {BlobName}; they stay until the blob is deleted.")]
    private partial void LogReleaseFailed(string blobName, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete the temp file {Path}; a later start removes it once it is an hour old.")]
    private partial void LogTempNotDeleted(string path, Exception exception);
}
