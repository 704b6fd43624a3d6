using Microsoft.Extensions.Logging;

namespace Uploads.Runtime;

internal sealed partial class ActivationCollector
{
    [LoggerMessage(101, LogLevel.Debug, "Deactivated {Count} idle activations")]
    private static partial void LogCollected(ILogger logger, int count);

    [LoggerMessage(102, LogLevel.Warning, "Shutdown ran out of time with {Count} activations still active")]
    private static partial void LogShutdownIncomplete(ILogger logger, int count);
}
