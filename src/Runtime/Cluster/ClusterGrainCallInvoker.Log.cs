using Microsoft.Extensions.Logging;

namespace Uploads.Runtime.Cluster;

internal sealed partial class ClusterGrainCallInvoker
{
    [LoggerMessage(301, LogLevel.Information, "Call of grain {GrainId} did not run on silo {SiloId} ({Status}); placing it again ({Attempt} of {MaxAttempts})")]
    private static partial void LogRetrying(ILogger logger, GrainId grainId, string siloId, ForwardStatus status, int attempt, int maxAttempts);

    [LoggerMessage(302, LogLevel.Warning, "Call of grain {GrainId} forwarded to silo {SiloId} ended without an answer ({Status}: {Detail})")]
    private static partial void LogForwardFailed(ILogger logger, GrainId grainId, string siloId, ForwardStatus status, string? detail);

    [LoggerMessage(303, LogLevel.Error, "Silo {SiloId} refused a call of grain {GrainId}: {Detail}")]
    private static partial void LogForwardRejected(ILogger logger, GrainId grainId, string siloId, string? detail);

    [LoggerMessage(304, LogLevel.Warning, "Could not read the membership again; placing the call on the view at hand")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
