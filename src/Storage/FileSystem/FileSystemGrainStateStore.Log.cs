using Microsoft.Extensions.Logging;

namespace Uploads.Storage.FileSystem;

public sealed partial class FileSystemGrainStateStore
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} temp files left over by crashed processes in {Folder}.")]
    private partial void LogTmpLeftoversDeleted(int count, string folder);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Conditional write of record {Key} lost: another writer was first.")]
    private partial void LogConflict(string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete the temp file {Path}; a later start removes it once it is an hour old.")]
    private partial void LogTempNotDeleted(string path, Exception exception);
}
