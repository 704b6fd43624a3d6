using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Uploads.Runtime.Cluster;

internal sealed partial class ClusterEndpoint
{
    [LoggerMessage(401, LogLevel.Warning, "Refused a request from {RemoteAddress} to {Path} on the internal endpoint: no valid cluster key")]
    private static partial void LogUnauthorized(ILogger logger, string? remoteAddress, PathString path);
}
