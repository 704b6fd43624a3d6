using Microsoft.Extensions.Logging;

namespace Uploads.Runtime;

internal sealed partial class ActivationCatalog
{
    [LoggerMessage(1, LogLevel.Debug, "Grain {GrainId} activated")]
    private static partial void LogActivated(ILogger logger, GrainId grainId);

    [LoggerMessage(2, LogLevel.Debug, "Grain {GrainId} deactivated: {Reason}")]
    private static partial void LogDeactivated(ILogger logger, GrainId grainId, DeactivationReason reason);

    [LoggerMessage(3, LogLevel.Warning, "Grain {GrainId} failed to activate; the call fails and the next call activates it afresh")]
    private static partial void LogActivationFailed(ILogger logger, GrainId grainId, Exception exception);

    [LoggerMessage(4, LogLevel.Information, "Call {Method} of grain {GrainId} found its state changed by another writer; retrying on a fresh activation ({Retry} of {MaxRetries})")]
    private static partial void LogConflictRetry(ILogger logger, GrainId grainId, string method, int retry, int maxRetries, InconsistentStateException exception);

    [LoggerMessage(5, LogLevel.Warning, "Deactivating grain {GrainId} ({Reason}) failed; it is deactivated anyway")]
    private static partial void LogDeactivationFailed(ILogger logger, GrainId grainId, DeactivationReason reason, Exception exception);
}
