using Microsoft.Extensions.Logging;

namespace Uploads.Runtime.Cluster;

internal sealed partial class ClusterHost
{
    [LoggerMessage(501, LogLevel.Warning, "Silo {SiloId} stopped waiting for {Count} grain calls after {DrainTimeout}; it deactivates its grains after them")]
    private static partial void LogDrainTimedOut(ILogger logger, string siloId, int count, TimeSpan drainTimeout);

    [LoggerMessage(502, LogLevel.Error, "A heartbeat of silo {SiloId} failed unexpectedly; the next one tries again")]
    private static partial void LogHeartbeatCrashed(ILogger logger, string siloId, Exception exception);
}
