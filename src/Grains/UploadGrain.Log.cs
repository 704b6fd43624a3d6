using Microsoft.Extensions.Logging;
using Uploads.Storage;

namespace Uploads.Grains;

internal sealed partial class UploadGrain
{
    [LoggerMessage(1, LogLevel.Information, "Upload {Upload} created: {Size} bytes in {ChunkCount} chunks")]
    private static partial void LogCreated(ILogger logger, string upload, long size, int chunkCount);

    [LoggerMessage(2, LogLevel.Information, "Upload {Upload} completed: {Size} bytes committed")]
    private static partial void LogCompleted(ILogger logger, string upload, long size);

    [LoggerMessage(3, LogLevel.Information, "Upload {Upload} aborted")]
    private static partial void LogAborted(ILogger logger, string upload);

    [LoggerMessage(4, LogLevel.Information, "Upload {Upload} expired")]
    private static partial void LogExpired(ILogger logger, string upload);

    [LoggerMessage(5, LogLevel.Warning, "Releasing the storage of upload {Upload} failed; it will be retried")]
    private static partial void LogReleaseFailed(ILogger logger, string upload, StorageException exception);

    [LoggerMessage(6, LogLevel.Information, "Upload {Upload} purged after its retention period")]
    private static partial void LogPurged(ILogger logger, string upload);

    [LoggerMessage(7, LogLevel.Warning, "Removing the active marker of upload {Upload} failed; the tenant limiter will settle it")]
    private static partial void LogForgetActiveFailed(ILogger logger, string upload, StorageException exception);

    [LoggerMessage(8, LogLevel.Information, "Upload {Upload} terminated after it completed: its file is released")]
    private static partial void LogTerminated(ILogger logger, string upload);
}
